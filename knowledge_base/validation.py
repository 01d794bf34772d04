"""Checks on an entry or a lexicon as staff type them, with every problem named in Chinese.

The console's editor, the YAML import and the Excel import all call these, so an entry
is held to the same rules wherever it comes from (the rules of docs/FAQ_FORMAT.md and
content_files.py). All problems are collected, not just the first, because the person
fixing a 500-row workbook wants the whole list at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from .content import LexiconDoc, clean_entry
from .content_files import FOLLOW_UPS, MIN_ALTERNATIVES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
WORD_RE = re.compile(r"^[\w\u4e00-\u9fff]+$")
MAX_QUESTION = 200
MAX_SHORT_ANSWER = 300
MAX_TEXT = 20000
FIELD_NAMES = {
    "faq_id": "编号", "code": "主题代码", "question": "标准问题", "alternatives": "其他问法",
    "short_answer": "简短回答", "full_answer": "完整回答", "basis": "法律依据", "follow_up": "后续引导",
    "regional_note": "地区说明",
}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_NAMES.get(self.field, self.field)


def check_entry(raw: Mapping, taxonomy: Mapping[str, str]) -> tuple[dict, list[FieldError]]:
    """(the cleaned entry, its problems). An entry with no problems may be saved."""
    e = clean_entry(raw)
    errors: list[FieldError] = []

    def err(f: str, msg: str) -> None:
        errors.append(FieldError(f, msg))

    if not e["faq_id"]:
        err("faq_id", "请填写编号")
    elif not ID_RE.match(e["faq_id"]):
        err("faq_id", "编号只能用小写英文字母、数字和连字符，最长 64 个字符（例如 labor-wages-12）")
    if not e["code"]:
        err("code", "请选择主题代码")
    elif e["code"] not in taxonomy or e["code"] == "other":
        err("code", f"「{e['code']}」不是主题代码表里的代码")
    if not e["question"]:
        err("question", "请填写标准问题")
    elif len(e["question"]) > MAX_QUESTION:
        err("question", f"标准问题最长 {MAX_QUESTION} 个字（现有 {len(e['question'])} 个）")
    alts = [a for a in dict.fromkeys(e["alternatives"]) if a != e["question"]]
    e["alternatives"] = alts
    if len(alts) < MIN_ALTERNATIVES:
        err("alternatives", f"至少需要 {MIN_ALTERNATIVES} 种不同的问法（现有 {len(alts)} 种）")
    long_alts = [a for a in alts if len(a) > MAX_QUESTION]
    if long_alts:
        err("alternatives", f"每种问法最长 {MAX_QUESTION} 个字：「{long_alts[0][:20]}…」太长")
    if not e["short_answer"]:
        err("short_answer", "请填写简短回答")
    elif len(e["short_answer"]) > MAX_SHORT_ANSWER:
        err("short_answer", f"简短回答最长 {MAX_SHORT_ANSWER} 个字（现有 {len(e['short_answer'])} 个），详细内容请写在完整回答里")
    if not e["full_answer"]:
        err("full_answer", "请填写完整回答")
    elif len(e["full_answer"]) > MAX_TEXT:
        err("full_answer", f"完整回答最长 {MAX_TEXT} 个字")
    if not e["basis"]:
        err("basis", "请至少写一条法律依据（如《法律援助法》第三十一条）")
    if e["follow_up"] not in FOLLOW_UPS:
        err("follow_up", f"后续引导只能是 {'、'.join(sorted(FOLLOW_UPS))} 之一")
    if len(e["regional_note"]) > MAX_TEXT:
        err("regional_note", f"地区说明最长 {MAX_TEXT} 个字")
    return e, errors


def check_lexicon(doc: LexiconDoc) -> list[FieldError]:
    """Synonym groups, user words and cue words: one word each, no clashes."""
    errors: list[FieldError] = []
    owner: dict[str, str] = {}
    canonicals = [c for c, _ in doc.synonyms]
    for c in canonicals:
        if canonicals.count(c) > 1 and ("synonyms", f"标准词「{c}」出现了两次，请合并为一组") not in [
                (x.field, x.message) for x in errors]:
            errors.append(FieldError("synonyms", f"标准词「{c}」出现了两次，请合并为一组"))
    for canonical, variants in doc.synonyms:
        if not canonical or not WORD_RE.match(canonical) or len(canonical) > 20:
            errors.append(FieldError("synonyms", f"标准词「{canonical}」无效：只能是一个词（不含空格和标点），最长 20 个字"))
            continue
        for v in variants:
            if not WORD_RE.match(v) or len(v) > 20:
                errors.append(FieldError("synonyms", f"「{canonical}」组里的「{v}」无效：只能是一个词（不含空格和标点），最长 20 个字"))
            elif v == canonical:
                errors.append(FieldError("synonyms", f"「{v}」就是标准词本身，不用再写成其他说法"))
            elif v in owner and owner[v] != canonical:
                errors.append(FieldError("synonyms", f"「{v}」同时属于「{owner[v]}」和「{canonical}」两组，只能属于一组"))
            elif v in canonicals:
                errors.append(FieldError("synonyms", f"「{v}」是另一组的标准词，不能再作为「{canonical}」的其他说法"))
            owner.setdefault(v, canonical)
    for field, words, label in (("user_words", doc.user_words, "词典"), ("cues", doc.cues, "法律提示词")):
        bad = [w for w in words if not WORD_RE.match(w) or len(w) > 20]
        if bad:
            errors.append(FieldError(field, f"{label}里的「{bad[0]}」无效：每行一个词，不含空格和标点，最长 20 个字"))
    return errors


def lexicon_warnings(doc: LexiconDoc) -> list[str]:
    """Allowed but risky: a one-character variant rewrites that character everywhere."""
    out = []
    for canonical, variants in doc.synonyms:
        singles = [v for v in variants if len(v) == 1]
        if singles:
            out.append(f"「{canonical}」组里的单字「{'、'.join(singles)}」会把所有句子里的这个字都换掉，请确认。")
    return out


def next_faq_id(code: str, existing: set[str]) -> str:
    """labor.wages → labor-wages-NN, the first free number (FAQ_FORMAT's id convention)."""
    stem = code.replace(".", "-").replace("_", "-")
    n = 1
    while f"{stem}-{n:02d}" in existing:
        n += 1
    return f"{stem}-{n:02d}"
