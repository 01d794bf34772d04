"""/console/stats: the dashboard (date range, office) and the monthly report download."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, render_template, request

from handoff import labels
from handoff.offices import load_offices
from knowledge_base.content_files import load_taxonomy

from console.auth import register_nav, role_required
from reports import charts
from reports.monthly import write_report
from reports.period import MonthError, parse_month, parse_range
from reports.stats import CHANNEL_NAMES, DECISION_LIMIT_DAYS, DECISION_NAMES, PRIORITY_NAMES, collect

ROLES = ("staff", "admin")
bp = Blueprint("stats", __name__, url_prefix="/console/stats", template_folder="templates")


def init_app(app: Flask) -> None:
    register_nav("stats.dashboard", "统计", ROLES)
    app.register_blueprint(bp)


def _office_id() -> str | None:
    wanted = request.args.get("office", "")
    return wanted if wanted in {o.id for o in load_offices()} else None


@bp.get("/")
@role_required(*ROLES)
def dashboard():
    period = parse_range(request.args.get("start"), request.args.get("end"))
    office = _office_id()
    with current_app.extensions["fayuan_db"].session() as s:
        st = collect(s, period, office)
    taxonomy = load_taxonomy()
    days = period.days
    figures = {
        "per_day": charts.columns([f"{d:%m-%d}" for d in days], [st.per_day.get(d, 0) for d in days], "每日咨询量"),
        "outcomes": charts.stacked([("已解答", st.answered), ("待用户选择", st.clarify), ("主题一般解答", st.topic), ("未能解答", st.unsure),
                                    ("无关消息", st.offtopic)], "咨询结果"),
        "topics": charts.bars([(labels.topic(c), n) for c, n in st.by_topic.most_common(10)], "热门主题"),
        "channels": charts.bars([(CHANNEL_NAMES.get(c, c), n) for c, n in st.by_channel.most_common()], "渠道"),
        "helpful": charts.stacked([("有用", st.helpful), ("没用", st.unhelpful)], "回答反馈"),
        "decisions": charts.bars([(DECISION_NAMES.get(d, d), n) for d, n in st.decisions.most_common()], "自测结果"),
        "priority": charts.bars([(PRIORITY_NAMES.get(g, g), n) for g, n in st.priority_groups.most_common()], "绿色通道群体",
                                color=charts.COLORS[0]),
        "applications": charts.bars([(labels.label("case_status", k), n) for k, n in st.application_status.most_common()],
                                    "申请状态"),
        "decision_days": charts.decision_days(st.decision_days, DECISION_LIMIT_DAYS),
    }
    return render_template("stats/dashboard.html", st=st, period=period, office=office, offices=load_offices(),
                           figures=figures, taxonomy=taxonomy, limit=DECISION_LIMIT_DAYS, last_month=parse_month("last"))


@bp.get("/report.xlsx")
@role_required(*ROLES)
def report():
    try:
        period = parse_month(request.args.get("month", "last"))
    except MonthError as e:
        return render_template("message.html", title="月份格式不对", message=str(e)), 400
    office = _office_id()
    with current_app.extensions["fayuan_db"].session() as s:
        data = write_report(s, period, office)
    name = f"fayuan-report-{period.label}{'-' + office if office else ''}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
