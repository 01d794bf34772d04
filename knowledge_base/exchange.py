"""Import and export: the repository's YAML format and an Excel workbook staff edit offline.

Reading never touches the database: a file becomes an `ImportResult` with every row
checked and every problem located (sheet, row, column). Only a clean result may be
turned into drafts (versions.import_drafts), so a file with one bad cell changes nothing.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import yaml

from .content import KbContent, LexiconDoc
from .spreadsheet import neutralise_formulas
from .validation import FIELD_NAMES, check_entry, check_lexicon

Progress = Callable[[int, int], None]

# Excel: one row per entry, lists one item per line inside the cell.
ENTRY_COLUMNS = (
    ("faq_id", "编号"), ("code", "主题代码"), ("question", "标准问题"), ("alternatives", "其他问法（每行一个）"),
    ("short_answer", "简短回答"), ("full_answer", "完整回答"), ("basis", "法律依据（每行一条）"),
    ("follow_up", "后续引导"), ("regional_note", "地区说明"),
)
SHEET_ENTRIES, SHEET_SYNONYMS, SHEET_WORDS, SHEET_CUES, SHEET_OFFTOPIC, SHEET_HELP = (
    "条目", "同义词", "用户词典", "法律提示词", "无关示例", "说明")
MAX_ROWS = 20000


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int         # the Excel row number, or the entry's position (1-based) in a YAML file
    column: str      # the column header / YAML key
    message: str

    def __str__(self) -> str:
        if self.sheet:
            where = f"「{self.sheet}」表第 {self.row} 行" if self.row else f"「{self.sheet}」表"
        else:
            where = f"第 {self.row} 条"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class ImportResult:
    entries: list[dict] = field(default_factory=list)
    lexicon: LexiconDoc | None = None
    offtopic: tuple[str, ...] | None = None
    errors: list[ImportIssue] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFormatError(ValueError):
    """The file cannot be read at all (wrong type, damaged, no entries sheet)."""


# ------------------------------------------------------------------ checking rows

def _check_rows(rows: list[tuple[int, Mapping]], taxonomy: Mapping[str, str], sheet: str,
                columns: Mapping[str, str], progress: Progress | None) -> ImportResult:
    result = ImportResult(rows=len(rows))
    seen: dict[str, int] = {}
    for n, (rowno, raw) in enumerate(rows, 1):
        entry, errors = check_entry(raw, taxonomy)
        for e in errors:
            result.errors.append(ImportIssue(sheet, rowno, columns.get(e.field, e.label), e.message))
        if entry["faq_id"] and entry["faq_id"] in seen:
            result.errors.append(ImportIssue(sheet, rowno, columns.get("faq_id", "编号"),
                                             f"编号 {entry['faq_id']} 与第 {seen[entry['faq_id']]} 行重复"))
        seen.setdefault(entry["faq_id"], rowno)
        result.entries.append(entry)
        if progress is not None:
            progress(n, len(rows))
    return result


# ------------------------------------------------------------------ YAML

class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml_entry(e: Mapping) -> dict:
    out = {"id": e["faq_id"], "code": e["code"], "question": e["question"], "alternatives": list(e["alternatives"]),
           "short_answer": e["short_answer"], "full_answer": e["full_answer"], "basis": list(e["basis"]),
           "follow_up": e["follow_up"]}
    if e.get("regional_note"):
        out["regional_note"] = e["regional_note"]
    return out


def dump_yaml(entries: Iterable[Mapping]) -> str:
    """The repository's format (docs/FAQ_FORMAT.md): a YAML list of entries."""
    return yaml.dump([_yaml_entry(e) for e in entries], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1000)


def yaml_files(content: KbContent) -> dict[str, str]:
    """One file per topic code, named as the repository names them (labor.wages → labor_wages.yaml)."""
    by_code: dict[str, list[Mapping]] = {}
    for e in content.entries:
        by_code.setdefault(e["code"], []).append(e)
    return {f"{code.replace('.', '_')}.yaml": dump_yaml(es) for code, es in sorted(by_code.items())}


def read_yaml(data: bytes, taxonomy: Mapping[str, str], progress: Progress | None = None) -> ImportResult:
    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFormatError("文件不是 UTF-8 编码的文本，请用导出的 YAML 文件或 Excel 模板。")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        raise ImportFormatError(f"YAML 格式有误{('（' + where + '）') if where else ''}：{getattr(e, 'problem', '') or e}")
    if isinstance(doc, dict) and isinstance(doc.get("entries"), list):
        doc = doc["entries"]
    if not isinstance(doc, list):
        raise ImportFormatError("YAML 文件应当是条目的列表（与 knowledge_base/content/faq/*.yaml 相同的格式）。")
    rows: list[tuple[int, Mapping]] = []
    issues: list[ImportIssue] = []
    for i, item in enumerate(doc, 1):
        if not isinstance(item, dict):
            issues.append(ImportIssue("", i, "", "每一条都应当是「键: 值」的形式"))
            continue
        item = dict(item)
        item.setdefault("faq_id", item.get("id", ""))
        rows.append((i, item))
    columns = {**{k: k for k in FIELD_NAMES}, "faq_id": "id"}
    result = _check_rows(rows, taxonomy, "", columns, progress)
    result.errors[:0] = issues
    result.rows = len(doc)
    return result


# ------------------------------------------------------------------ Excel

def _lines(value: object) -> list[str]:
    if value is None:
        return []
    return [x.strip() for x in str(value).replace("\r", "").split("\n") if x.strip()]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def write_xlsx(content: KbContent, taxonomy: Mapping[str, str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_ENTRIES
    ws.append([label for _, label in ENTRY_COLUMNS])
    for e in content.entries:
        ws.append([("\n".join(e[f]) if isinstance(e[f], list) else e[f]) for f, _ in ENTRY_COLUMNS])
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8F4FD")
    for c in ws[1]:
        c.font, c.fill = head, fill
    widths = (18, 18, 34, 40, 50, 60, 36, 12, 30)
    for col, w in zip("ABCDEFGHI", widths):
        ws.column_dimensions[col].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = wrap
    ws.freeze_panes = "C2"
    last = max(2, ws.max_row + 200)
    if taxonomy:
        dv = DataValidation(type="list", formula1=f"'{SHEET_HELP}'!$A$2:$A${len(taxonomy) + 1}", allow_blank=False)
        ws.add_data_validation(dv)
        dv.add(f"B2:B{last}")
    fu = DataValidation(type="list", formula1='"eligibility,apply,hotline,none"', allow_blank=False)
    ws.add_data_validation(fu)
    fu.add(f"H2:H{last}")

    syn = wb.create_sheet(SHEET_SYNONYMS)
    syn.append(["标准词", "其他说法（每行一个）"])
    for canonical, variants in content.lexicon.synonyms:
        syn.append([canonical, "\n".join(variants)])
    for title, words in ((SHEET_WORDS, content.lexicon.user_words), (SHEET_CUES, content.lexicon.cues),
                         (SHEET_OFFTOPIC, content.offtopic)):
        sheet = wb.create_sheet(title)
        sheet.append(["句子" if title == SHEET_OFFTOPIC else "词语"])
        for w in words:
            sheet.append([w])
    for sheet in wb.worksheets[1:]:
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 60
        for c in sheet[1]:
            c.font, c.fill = head, fill

    hs = wb.create_sheet(SHEET_HELP)
    hs.append(["主题代码", "含义"])
    for code, meaning in (taxonomy or {}).items():
        if code != "other":
            hs.append([code, meaning])
    hs.column_dimensions["A"].width = 22
    hs.column_dimensions["B"].width = 90
    notes = ["填写说明：", "「条目」表每行一条；「其他问法」「法律依据」在单元格内每行写一个（Alt+Enter 换行）。",
             "其他问法至少 5 种；简短回答不超过 300 字；后续引导填 eligibility / apply / hotline / none。",
             "导入时先检查每一行，有任何错误都不会改动知识库；导入后成为草稿，检查无误再发布。",
             "「同义词」「用户词典」「法律提示词」「无关示例」表如果保留，会整体替换对应内容；删除这些表则不改动它们。"]
    for i, n in enumerate(notes):
        hs.cell(row=i + 1, column=4, value=n)
    hs.column_dimensions["D"].width = 80
    out = io.BytesIO()
    neutralise_formulas(wb)  # an FAQ text starting with = + - @ stays text in Excel
    wb.save(out)
    return out.getvalue()


def _header_map(header: tuple) -> dict[str, int]:
    """Column index by entry field, recognising our headers with or without the hint in brackets."""
    wanted = {label.split("（")[0]: f for f, label in ENTRY_COLUMNS}
    wanted.update({f: f for f, _ in ENTRY_COLUMNS})
    wanted["id"] = "faq_id"
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _cell(h).split("（")[0].split("(")[0].strip()
        if key in wanted and wanted[key] not in found:
            found[wanted[key]] = i
    return found


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def read_xlsx(data: bytes, taxonomy: Mapping[str, str], progress: Progress | None = None) -> ImportResult:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFormatError("无法打开这个 Excel 文件：请确认是 .xlsx 格式（不是 .xls 或 .csv），且没有损坏。")
    if SHEET_ENTRIES not in wb.sheetnames:
        raise ImportFormatError(f"工作簿里没有「{SHEET_ENTRIES}」表：请从工作台导出模板后在上面修改。")
    ws = wb[SHEET_ENTRIES]
    it = ws.iter_rows(values_only=True)
    header = next(it, None) or ()
    cols = _header_map(header)
    missing = [label for f, label in ENTRY_COLUMNS if f not in cols and f != "regional_note"]
    if missing:
        raise ImportFormatError(f"「{SHEET_ENTRIES}」表缺少这些列：{'、'.join(missing)}（第 1 行应当是列名）。")
    labels = {f: f"{_col_letter(i)} 列 {dict(ENTRY_COLUMNS)[f].split('（')[0]}" for f, i in cols.items()}
    rows: list[tuple[int, Mapping]] = []
    for rowno, values in enumerate(it, 2):
        if rowno - 1 > MAX_ROWS:
            raise ImportFormatError(f"「{SHEET_ENTRIES}」表超过 {MAX_ROWS} 行，请分批导入。")
        if not any(_cell(v) for v in values):
            continue
        raw = {}
        for f, i in cols.items():
            v = values[i] if i < len(values) else None
            raw[f] = _lines(v) if f in ("alternatives", "basis") else _cell(v)
        rows.append((rowno, raw))
    result = _check_rows(rows, taxonomy, SHEET_ENTRIES, labels, progress)
    if not rows:
        result.errors.append(ImportIssue(SHEET_ENTRIES, 2, "", "表里没有条目"))
    _read_lexicon_sheets(wb, result)
    return result


def _read_lexicon_sheets(wb, result: ImportResult) -> None:
    def column(title: str) -> list[str] | None:
        if title not in wb.sheetnames:
            return None
        return [_cell(r[0]) for r in wb[title].iter_rows(min_row=2, values_only=True) if r and _cell(r[0])]

    groups = None
    if SHEET_SYNONYMS in wb.sheetnames:
        groups = []
        for rowno, r in enumerate(wb[SHEET_SYNONYMS].iter_rows(min_row=2, values_only=True), 2):
            if not r or not any(_cell(v) for v in r):
                continue
            canonical = _cell(r[0])
            variants = tuple(_lines(r[1] if len(r) > 1 else None))
            if not canonical:
                result.errors.append(ImportIssue(SHEET_SYNONYMS, rowno, "A 列 标准词", "请填写标准词"))
                continue
            groups.append((canonical, variants))
    words, cues, offtopic = column(SHEET_WORDS), column(SHEET_CUES), column(SHEET_OFFTOPIC)
    if groups is not None or words is not None or cues is not None:
        doc = LexiconDoc(tuple(groups or ()), tuple(dict.fromkeys(words or ())), tuple(dict.fromkeys(cues or ())))
        result.lexicon = doc
        missing = [t for t, v in ((SHEET_SYNONYMS, groups), (SHEET_WORDS, words), (SHEET_CUES, cues)) if v is None]
        if missing:
            result.errors.append(ImportIssue(missing[0], 1, "", "同义词、用户词典、法律提示词三张表要么都保留，要么都删除"))
        for e in check_lexicon(doc):
            sheet = {"synonyms": SHEET_SYNONYMS, "user_words": SHEET_WORDS, "cues": SHEET_CUES}[e.field]
            result.errors.append(ImportIssue(sheet, 0, "", e.message))
    if offtopic is not None:
        result.offtopic = tuple(dict.fromkeys(offtopic))


def read_file(name: str, data: bytes, taxonomy: Mapping[str, str], progress: Progress | None = None) -> ImportResult:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(data, taxonomy, progress)
    if lower.endswith((".yaml", ".yml")):
        return read_yaml(data, taxonomy, progress)
    raise ImportFormatError("只能导入 .xlsx（Excel）或 .yaml / .yml 文件。")
