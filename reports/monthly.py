"""The monthly report as an Excel workbook (吉林省法律援助惠民工程：每月3日前报送截至上月末的工作进展).

Each sheet gives the month and the year to date (「截至上月末」), from stats.collect —
the same figures the dashboard shows.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Iterable

from sqlalchemy.orm import Session

from handoff import labels
from knowledge_base.content_files import load_taxonomy
from knowledge_base.spreadsheet import neutralise_formulas

from .period import CST, Period, year_to_date
from .stats import CHANNEL_NAMES, DECISION_LIMIT_DAYS, DECISION_NAMES, PRIORITY_NAMES, Stats, collect

APPLICATION_STATUS = {k: v for k, v in labels.vocab("case_status").items() if k != "draft"}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def summary_rows(m: Stats, y: Stats) -> list[tuple[str, object, object]]:
    rows: list[tuple[str, object, object]] = [
        ("咨询消息（法律问题 + 无关消息）", m.questions, y.questions),
        ("其中法律问题", m.legal_questions, y.legal_questions),
        ("已解答", m.answered, y.answered),
        ("解答率", _pct(m.answer_rate), _pct(y.answer_rate)),
        ("请用户选择后未选", m.clarify, y.clarify),
        ("按主题作一般性解答（已记入待补充）", m.topic, y.topic),
        ("未能解答（已记入待解答）", m.unsure, y.unsure),
        ("未解答率", _pct(m.unanswered_rate), _pct(y.unanswered_rate)),
        ("无关消息", m.offtopic, y.offtopic),
        ("回答反馈「有用」", m.helpful, y.helpful),
        ("回答反馈「没用」", m.unhelpful, y.unhelpful),
        ("有用率", _pct(m.helpful_rate), _pct(y.helpful_rate)),
        ("资格自测次数", m.eligibility, y.eligibility),
        ("自测结果符合或可能符合", m.positive, y.positive),
        ("自测中适用绿色通道", m.eligibility_priority, y.eligibility_priority),
    ]
    if m.has_handoff:
        rows += [
            ("在线提交申请", m.applications, y.applications),
            ("其中绿色通道", m.application_priority, y.application_priority),
            ("绿色通道占比", _pct(m.green_share), _pct(y.green_share)),
            ("已作出决定", len(m.decision_days), len(y.decision_days)),
            (f"{DECISION_LIMIT_DAYS} 日内作出决定", m.within_limit, y.within_limit),
            ("决定用时中位数（天）", m.median_decision_days if m.median_decision_days is not None else "—",
             y.median_decision_days if y.median_decision_days is not None else "—"),
            ("超过期限仍未决定", m.overdue_open, y.overdue_open),
            ("预约", m.appointments, y.appointments),
        ]
    rows += [("投诉", m.complaints["complaint"], y.complaints["complaint"]),
             ("表扬", m.complaints["praise"], y.complaints["praise"])]
    return rows


def _counter_rows(keys: Iterable[str], names: dict[str, str], m, y) -> list[list]:
    return [[k, names.get(k, k), m[k], y[k]] for k in keys]


def build_workbook(m: Stats, y: Stats) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list], widths: Iterable[int]):
        ws = wb.create_sheet(title) if wb.worksheets[0].title != "Sheet" else wb.worksheets[0]
        ws.title = title
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for r in rows:
            ws.append(list(r))
        for col, w in zip("ABCDEFGHIJ", widths):
            ws.column_dimensions[col].width = w
        return ws

    month, ytd = m.period.label, f"{y.period.start:%Y-%m-%d}~{y.period.end:%Y-%m-%d}"
    office = m.office.name if m.office else "全部机构"
    ws = sheet("概览", ["项目", f"本月（{month}）", f"本年累计（{ytd}）"], [list(r) for r in summary_rows(m, y)], (34, 20, 26))
    ws.append([])
    ws.append(["范围", office])
    ws.append(["生成时间", datetime.now(CST).strftime("%Y-%m-%d %H:%M")])
    ws.append(["说明", "时间按北京时间计；咨询不分机构，自测和申请按办理地所属法律援助中心计，预约按预约机构计。"])

    taxonomy = load_taxonomy()
    codes = [c for c in taxonomy if m.by_topic[c] or y.by_topic[c]]
    sheet("按主题", ["主题代码", "含义", "本月问题数", "本年累计"],
          _counter_rows(sorted(codes, key=lambda c: -m.by_topic[c]), taxonomy, m.by_topic, y.by_topic), (20, 60, 14, 14))
    channels = sorted(set(m.by_channel) | set(y.by_channel), key=lambda c: -m.by_channel[c])
    sheet("按渠道", ["渠道", "名称", "本月问题数", "本月已解答", "本年累计问题数", "本年累计已解答"],
          [[c, CHANNEL_NAMES.get(c, c), m.by_channel[c], m.answered_by_channel[c], y.by_channel[c],
            y.answered_by_channel[c]] for c in channels], (14, 16, 14, 14, 16, 16))
    decisions = [d for d in DECISION_NAMES if m.decisions[d] or y.decisions[d]]
    rows = [["自测", d, DECISION_NAMES[d], m.decisions[d], y.decisions[d]] for d in decisions]
    if m.has_handoff:
        rows += [["申请", k, APPLICATION_STATUS[k],
                  m.application_decisions[k], y.application_decisions[k]] for k in ("accepted", "rejected")]
        rows += [["申请状态", k, APPLICATION_STATUS.get(k, k), m.application_status[k], y.application_status[k]]
                 for k in APPLICATION_STATUS if m.application_status[k] or y.application_status[k]]
    sheet("按决定", ["来源", "代码", "决定", "本月", "本年累计"], rows, (10, 18, 22, 10, 12))
    prio = [["绿色通道合计（自测）", "", m.eligibility_priority, y.eligibility_priority]]
    prio += [[PRIORITY_NAMES.get(k, k), k, m.priority_groups[k], y.priority_groups[k]] for k in PRIORITY_NAMES]
    prio += [["普通（自测）", "", m.eligibility - m.eligibility_priority, y.eligibility - y.eligibility_priority]]
    if m.has_handoff:
        prio += [["绿色通道（申请）", "", m.application_priority, y.application_priority],
                 ["普通（申请）", "", m.applications - m.application_priority, y.applications - y.application_priority]]
    sheet("按优先群体", ["群体", "代码", "本月", "本年累计"], prio, (24, 18, 10, 12))
    yrows = {r.office.id: r for r in y.offices}
    sheet("按机构", ["机构", "地区", "本月自测", "本月符合或可能符合", "本月绿色通道", "本月申请", "本月已决定",
                   f"本月{DECISION_LIMIT_DAYS}日内决定", "本月预约", "本年累计申请"],
          [[r.office.name, r.office.region, r.eligibility, r.positive, r.priority, r.applications, r.decided,
            r.within_limit, r.appointments, yrows[r.office.id].applications if r.office.id in yrows else 0]
           for r in m.offices], (34, 10, 10, 18, 12, 10, 10, 14, 10, 14))
    out = io.BytesIO()
    neutralise_formulas(wb)  # names and regions typed by people must not run as formulas
    wb.save(out)
    return out.getvalue()


def write_report(session: Session, period: Period, office_id: str | None = None) -> bytes:
    return build_workbook(collect(session, period, office_id), collect(session, year_to_date(period), office_id))
