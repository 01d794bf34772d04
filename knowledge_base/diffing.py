"""What changed between two contents, for people: per entry and field, lists as
added/removed items, text as inline insertions and deletions.

Pure: the version page, the publish preview and the stored version summary all come
from `diff_content`.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .content import KbContent, LexiconDoc

FIELD_LABELS = {
    "code": "主题代码", "question": "标准问题", "alternatives": "其他问法", "short_answer": "简短回答",
    "full_answer": "完整回答", "basis": "法律依据", "follow_up": "后续引导", "regional_note": "地区说明",
}
FOLLOW_UP_LABELS = {"eligibility": "资格自测", "apply": "申请指引", "hotline": "12348 热线", "none": "无"}


@dataclass(frozen=True)
class TextPiece:
    op: str    # equal | insert | delete
    text: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    added: tuple[str, ...] = ()       # list fields
    removed: tuple[str, ...] = ()
    pieces: tuple[TextPiece, ...] = ()  # text fields
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class EntryChange:
    faq_id: str
    kind: str  # added | removed | changed
    question: str
    code: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class WordsChange:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class SynonymChange:
    canonical: str
    kind: str  # added | removed | changed
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass
class ContentDiff:
    entries: list[EntryChange] = field(default_factory=list)
    synonyms: list[SynonymChange] = field(default_factory=list)
    user_words: WordsChange = field(default_factory=WordsChange)
    cues: WordsChange = field(default_factory=WordsChange)
    offtopic: WordsChange = field(default_factory=WordsChange)
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.entries or self.synonyms or self.user_words or self.cues or self.offtopic or self.reordered)

    def summary(self) -> dict:
        """The compact record kept with a version (ids and counts, no text)."""
        by_kind = {k: [e.faq_id for e in self.entries if e.kind == k] for k in ("added", "changed", "removed")}
        return {**by_kind,
                "fields": {e.faq_id: [f.field for f in e.fields] for e in self.entries if e.kind == "changed"},
                "synonyms": len(self.synonyms), "user_words": len(self.user_words.added) + len(self.user_words.removed),
                "cues": len(self.cues.added) + len(self.cues.removed),
                "offtopic": len(self.offtopic.added) + len(self.offtopic.removed)}

    def headline(self) -> str:
        """一句话：新增 2 条、修改 3 条、同义词 1 组 …"""
        parts = []
        for kind, label in (("added", "新增"), ("changed", "修改"), ("removed", "删除")):
            n = sum(1 for e in self.entries if e.kind == kind)
            if n:
                parts.append(f"{label} {n} 条")
        if self.synonyms:
            parts.append(f"同义词 {len(self.synonyms)} 组")
        if self.user_words:
            parts.append(f"词典 {len(self.user_words.added) + len(self.user_words.removed)} 个词")
        if self.cues:
            parts.append(f"法律提示词 {len(self.cues.added) + len(self.cues.removed)} 个")
        if self.offtopic:
            parts.append(f"无关示例 {len(self.offtopic.added) + len(self.offtopic.removed)} 句")
        if self.reordered and not parts:
            parts.append("调整了顺序")
        return "、".join(parts) or "没有改动"


def text_pieces(before: str, after: str) -> tuple[TextPiece, ...]:
    """Character-level inline diff (Chinese has no spaces to diff words by)."""
    sm = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    out: list[TextPiece] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(TextPiece("equal", before[i1:i2]))
        else:
            if i2 > i1:
                out.append(TextPiece("delete", before[i1:i2]))
            if j2 > j1:
                out.append(TextPiece("insert", after[j1:j2]))
    return tuple(out)


def _words(before: tuple[str, ...] | list[str], after: tuple[str, ...] | list[str]) -> WordsChange:
    b, a = list(dict.fromkeys(before)), list(dict.fromkeys(after))
    bs, as_ = set(b), set(a)
    return WordsChange(tuple(x for x in a if x not in bs), tuple(x for x in b if x not in as_))


def entry_fields(before: dict, after: dict) -> tuple[FieldChange, ...]:
    changes = []
    for f, label in FIELD_LABELS.items():
        b, a = before.get(f), after.get(f)
        if (b or None) == (a or None):  # absent, "" and [] are all "not filled in"
            continue
        if isinstance(b, list) or isinstance(a, list):
            w = _words(b or [], a or [])
            changes.append(FieldChange(f, label, added=w.added, removed=w.removed,
                                       before="\n".join(b or []), after="\n".join(a or [])))
        else:
            if f == "follow_up":
                b, a = FOLLOW_UP_LABELS.get(b or "", b or ""), FOLLOW_UP_LABELS.get(a or "", a or "")
            changes.append(FieldChange(f, label, pieces=text_pieces(b or "", a or ""), before=b or "", after=a or ""))
    return tuple(changes)


def _synonyms(before: LexiconDoc, after: LexiconDoc) -> list[SynonymChange]:
    b, a = dict(before.synonyms), dict(after.synonyms)
    out = []
    for c, vs in a.items():
        if c not in b:
            out.append(SynonymChange(c, "added", added=tuple(vs)))
        elif tuple(b[c]) != tuple(vs):
            w = _words(b[c], vs)
            out.append(SynonymChange(c, "changed", w.added, w.removed))
    out.extend(SynonymChange(c, "removed", removed=tuple(vs)) for c, vs in b.items() if c not in a)
    return out


def diff_content(before: KbContent, after: KbContent) -> ContentDiff:
    old, new = before.by_id(), after.by_id()
    entries: list[EntryChange] = []
    for e in after.entries:
        o = old.get(e["faq_id"])
        if o is None:
            entries.append(EntryChange(e["faq_id"], "added", e["question"], e["code"], entry_fields({}, e)))
        elif o != e:
            fields = entry_fields(o, e)
            if fields:
                entries.append(EntryChange(e["faq_id"], "changed", e["question"], e["code"], fields))
    entries.extend(EntryChange(o["faq_id"], "removed", o["question"], o["code"]) for o in before.entries
                   if o["faq_id"] not in new)
    common_before = [e["faq_id"] for e in before.entries if e["faq_id"] in new]
    common_after = [e["faq_id"] for e in after.entries if e["faq_id"] in old]
    return ContentDiff(entries=entries, synonyms=_synonyms(before.lexicon, after.lexicon),
                       user_words=_words(before.lexicon.user_words, after.lexicon.user_words),
                       cues=_words(before.lexicon.cues, after.lexicon.cues),
                       offtopic=_words(before.offtopic, after.offtopic),
                       reordered=common_before != common_after)
