"""Segmentation: homophone repair, synonym rewriting and jieba with the legal dictionary.

Order matters. Homophones are repaired on the raw normalised string (jieba would split
公伤 into 公/伤 and lose it), then synonyms are rewritten so 工钱 and 工资 become the
same token, then jieba cuts with the legal words kept whole.
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import cached_property

from ground.fastimport import import_without_pkg_resources

from .lexicon import Lexicon

jieba = import_without_pkg_resources("jieba")

jieba.setLogLevel(logging.WARNING)

# Words that say nothing about which legal question is asked.
STOPWORDS: frozenset[str] = frozenset(
    "的 了 我 你 他 她 它 们 是 在 有 和 与 就 都 也 还 又 要 会 能 可以 可不可以 能不能 吗 么 吧 呢 啊 呀 "
    "这 那 这个 那个 一个 个 些 一些 给 被 把 让 对 从 到 向 跟 去 来 上 下 里 中 说 想 问 请 帮 "
    "我们 你们 他们 自己 现在 已经 还是 或者 如果 因为 所以 但是 可是 而且 然后 怎样 怎么 如何 "
    "多少 什么 哪里 哪儿 哪 谁 为什么 不 没 没有 很 太 非常 特别 真 好 得 地 着 过 之 以 及 等 "
    "吗 嘛 哦 呗 呐 哈 啦 一下 一直 应该 需要 可能 知道 告诉 怎么样 有没有 是不是 能否".split()
)


@dataclass(frozen=True)
class PinyinTable:
    """Toneless pinyin per character: built once from pypinyin and cached with the index."""

    by_char: dict[str, str]

    def key(self, text: str) -> str | None:
        parts = []
        for ch in text:
            p = self.by_char.get(ch)
            if p is None:
                return None
            parts.append(p)
        return " ".join(parts)


def build_pinyin_table() -> PinyinTable:
    """Pinyin for the 6,763 GB2312 characters: enough for homophone typos, cheap to store."""
    from pypinyin import Style, lazy_pinyin  # heavy import, only at index build time

    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    readings = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
    if len(readings) != len(chars):  # errors='ignore' can drop some; fall back to one by one
        return PinyinTable({c: (lazy_pinyin(c, style=Style.NORMAL) or [""])[0] for c in chars})
    return PinyinTable(dict(zip(chars, readings)))


class Segmenter:
    """Turns normalised text into tokens. Immutable after construction; safe to share."""

    def __init__(self, lexicon: Lexicon, pinyin: PinyinTable):
        self.lexicon = lexicon
        self.pinyin = pinyin
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in set(lexicon.user_words) | set(lexicon.synonyms) | set(lexicon.synonyms.values()):
            if len(word) > 1:
                self._jieba.add_word(word, freq=2000)
        self._homophones = self._build_homophones()
        self._base_latin = dict(self._latin)

    def fork(self) -> "Segmenter":
        """A segmenter for another index over the same lexicon.

        It shares jieba's dictionary and the homophone table (read-only, ~65 MB) but
        not the letter-pinyin words an index teaches it, so a draft index never changes
        how the published one reads a message.
        """
        twin = copy.copy(self)
        twin._latin = dict(self._base_latin)
        twin._latin_max = max((len(k) for k in twin._latin), default=0)
        return twin

    @cached_property
    def _synonym_max(self) -> int:
        return max((len(t) for t in self.lexicon.synonyms), default=0)

    def _build_homophones(self) -> dict[int, dict[str, str]]:
        """length → {pinyin key → term}: only multi-character legal terms, unambiguous keys."""
        table: dict[int, dict[str, str]] = {}
        clashes: set[tuple[int, str]] = set()
        # Only canonical terms: a sound-alike of a *variant* (被拘 ~ 被拒) is too risky.
        for term in self.lexicon.canonical_terms:
            if not 2 <= len(term) <= 6:
                continue
            key = self.pinyin.key(term)
            if key is None:
                continue
            bucket = table.setdefault(len(term), {})
            canonical = self.lexicon.synonyms.get(term, term)
            if key in bucket and self.lexicon.synonyms.get(bucket[key], bucket[key]) != canonical:
                clashes.add((len(term), key))
            bucket.setdefault(key, term)
        for length, key in clashes:
            table[length].pop(key, None)
        self._latin = {k.replace(" ", ""): t for bucket in table.values() for k, t in bucket.items()}
        return table

    def learn_vocabulary(self, words: set[str]) -> None:
        """Let pinyin typed in letters reach the knowledge base's own words (jiaotong → 交通)."""
        halves = {w[:2] for w in words if len(w) >= 4} | {w[-2:] for w in words if len(w) >= 4}
        for word in sorted(words) + sorted(halves):
            if 2 <= len(word) <= 4 and word not in STOPWORDS:
                key = self.pinyin.key(word)
                if key is not None:
                    self._latin.setdefault(key.replace(" ", ""), word)
        self._latin_max = max((len(k) for k in self._latin), default=0)

    def learned(self) -> dict[str, str]:
        """The letter-pinyin map, to save with a cached index."""
        return dict(self._latin)

    def restore_learned(self, latin: dict[str, str]) -> None:
        self._latin.update(latin)
        self._latin_max = max((len(k) for k in self._latin), default=0)

    def repair_latin_pinyin(self, text: str) -> str:
        """Pinyin typed in letters when the phone's IME fails: gongshang → 工伤, fuyangfei → 抚养费.

        Each run of letters is cut greedily into the longest known words; letters that
        spell nothing known stay as they are.
        """
        if not re.search(r"[a-z]{4,}", text):
            return text

        def convert(run: str) -> str:
            out, i = [], 0
            longest = getattr(self, "_latin_max", 0) or max((len(k) for k in self._latin), default=0)
            while i < len(run):
                for j in range(min(len(run), i + longest), i + 3, -1):
                    word = self._latin.get(run[i:j])
                    if word is not None:
                        out.append(word)
                        i = j
                        break
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)

        return re.sub(r"[a-z]{4,}", lambda m: convert(m.group(0)), text)

    def repair_homophones(self, text: str) -> str:
        """公伤 → 工伤, 法律缓助 → 法律援助: same pinyin as a legal term, different characters."""
        if not self._homophones:
            return text
        text = self.repair_latin_pinyin(text)
        readings = [self.pinyin.by_char.get(ch) for ch in text]
        out: list[str] = []
        i = 0
        while i < len(text):
            replaced = False
            for length in sorted(self._homophones, reverse=True):
                if i + length > len(text):
                    continue
                window = readings[i : i + length]
                if None in window:
                    continue
                term = self._homophones[length].get(" ".join(window))  # type: ignore[arg-type]
                chunk = text[i : i + length]
                # A real word with the same sound (老伴 vs 老板) is not a typo: leave it.
                if term is not None and (chunk == term or not self._jieba.FREQ.get(chunk)):
                    out.append(term)
                    i += length
                    replaced = True
                    break
            if not replaced:
                out.append(text[i])
                i += 1
        return "".join(out)

    def apply_synonyms(self, text: str) -> str:
        """Longest match first, left to right (a dict scan: compiling a 600-way regex costs 0.2 s)."""
        synonyms = self.lexicon.synonyms
        if not synonyms:
            return text
        longest = self._synonym_max
        out: list[str] = []
        i = 0
        while i < len(text):
            for length in range(min(longest, len(text) - i), 0, -1):
                canonical = synonyms.get(text[i : i + length])
                if canonical is not None:
                    out.append(canonical)
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def collapse_stutter(self, text: str) -> str:
        """吗吗 → 吗, 费费 → 费: a doubled character that is not itself a word is a slip of the finger."""
        out: list[str] = []
        for ch in text:
            if out and ch == out[-1] and "\u4e00" <= ch <= "\u9fff" and not self._jieba.FREQ.get(ch + ch):
                continue
            out.append(ch)
        return "".join(out)

    def canonical_text(self, normalized: str) -> str:
        """Normalised text with stutters collapsed, homophones repaired and synonyms rewritten."""
        return self.apply_synonyms(self.repair_homophones(self.collapse_stutter(normalized)))

    def tokens(self, canonical: str) -> list[str]:
        return [t for t in self._jieba.lcut(canonical, HMM=False) if t.strip() and t not in STOPWORDS]
