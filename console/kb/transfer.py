"""Import (YAML or Excel, checked row by row, drafts only when clean) and export."""
from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, flash, render_template, request

from knowledge_base import curation, versions
from knowledge_base.exchange import ImportFormatError, dump_yaml, read_file, write_xlsx

from console.auth import role_required

from . import CURATORS, bp
from .common import author, db

MAX_UPLOAD = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/transfer")
@role_required(*CURATORS)
def transfer():
    return render_template("kb/transfer.html", report=None)


def _content(which: str):
    with db().session() as s:
        return versions.draft_content(s) if which == "drafts" else versions.published_content(s)


def _filename(ext: str, which: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return f"knowledge-base-{'drafts' if which == 'drafts' else 'published'}-{stamp}.{ext}"


@bp.get("/export.xlsx")
@role_required(*CURATORS)
def export_xlsx():
    which = request.args.get("which", "published")
    data = write_xlsx(_content(which), curation.taxonomy())
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={_filename('xlsx', which)}"})


@bp.get("/export.yaml")
@role_required(*CURATORS)
def export_yaml():
    which = request.args.get("which", "published")
    return Response(dump_yaml(_content(which).entries), mimetype="text/yaml; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={_filename('yaml', which)}"})


@bp.post("/import")
@role_required(*CURATORS)
def import_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的文件（.xlsx 或 .yaml）。", "error")
        return render_template("kb/transfer.html", report=None), 400
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        flash("文件太大（超过 20 MB），请分批导入。", "error")
        return render_template("kb/transfer.html", report=None), 400
    try:
        result = read_file(upload.filename, data, curation.taxonomy())
    except ImportFormatError as e:
        flash(str(e), "error")
        return render_template("kb/transfer.html", report=None), 400
    if not result.ok:
        return render_template("kb/transfer.html", report=result, filename=upload.filename), 400
    replace = request.form.get("replace") == "1"
    with db().session() as s:
        summary = versions.import_drafts(s, result.entries, author(), result.lexicon, result.offtopic, replace)
    current_app.logger.info("kb import: %s rows → drafts (%s)", result.rows, summary.headline())
    return render_template("kb/transfer.html", report=result, summary=summary, filename=upload.filename)
