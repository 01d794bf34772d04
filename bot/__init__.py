"""法援助手: the Flask application factory."""
from __future__ import annotations

import logging
from pathlib import Path

from typing import TYPE_CHECKING

from .config import VAR_DIR, Config

if TYPE_CHECKING:  # Flask is imported inside create_app so the CLI starts fast
    from flask import Flask

    from knowledge_base.service import KnowledgeService

log = logging.getLogger(__name__)
_services: dict[str, KnowledgeService] = {}


def knowledge_service(cache_dir: Path = VAR_DIR / "cache", database_url: str = "") -> "KnowledgeService":
    """One matcher service per process and database (its index follows that DB's version stamp)."""
    from knowledge_base.service import KnowledgeService

    key = f"{cache_dir}|{database_url}"
    if key not in _services:
        _services[key] = KnowledgeService(cache_dir=cache_dir)
    return _services[key]


def create_app(test_config: dict | None = None) -> "Flask":
    from flask import Flask, jsonify, render_template, request

    from .db import get_database
    from .logging_config import install_werkzeug_filter

    install_werkzeug_filter()  # no signatures, openids or link tokens in request logs
    app = Flask(__name__)
    app.config.from_mapping(Config().as_flask())
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or 64 * 1024
    app.extensions["fayuan_db"] = get_database(app.config["DATABASE_URL"])
    app.extensions["fayuan_kb"] = knowledge_service(database_url=app.config["DATABASE_URL"])

    from console import csrf
    from console import init_app as init_console

    from . import h5, pages, simulator, wechat

    app.register_blueprint(wechat.bp)
    app.register_blueprint(simulator.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(h5.bp)
    init_console(app)  # Flask-Login, CSRF on every form, /console
    from console.kb import init_app as init_kb_console

    init_kb_console(app)  # /console/kb: curation, tester, publish, unanswered queue
    from console.stats import init_app as init_stats

    init_stats(app)  # /console/stats: dashboard and the monthly report
    csrf.exempt(wechat.bp)     # signed by WeChat, not a browser form
    csrf.exempt(simulator.bp)  # JSON API of the test page, no personal data

    @app.before_request
    def refuse_nul_bytes():
        """A NUL byte is never valid input, and PostgreSQL answers it with an error (a 500)."""
        body_has_nul = False
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            body_has_nul = any("\x00" in v for v in request.form.values())
        elif request.method == "POST" and request.is_json:
            raw = request.get_data(as_text=True)  # JSON writes NUL as \u0000
            body_has_nul = "\\u0000" in raw or "\x00" in raw
        if body_has_nul or "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            if request.is_json or request.path.startswith(("/wechat", "/simulator/api", "/api/")):
                return {"error": "内容里有无效字符，请检查后再试。"}, 400
            return render_template("message.html", title="请求有误", message="链接或填写的内容里有无效字符，请检查后再试。"), 400
        return None

    @app.errorhandler(404)
    def not_found(_e):
        if request.path.startswith("/wechat"):
            return "not found", 404
        return render_template("message.html", title="页面不存在", message="您要找的页面不存在。"), 404

    @app.errorhandler(413)
    def too_large(_e):
        if request.path.startswith("/wechat"):
            return "request body too large", 413
        message = "您提交的内容太长了（超过 64KB），请把事情经过写得简短一些再提交；已填的其他内容都保存着。"
        if request.path.startswith(("/simulator/api", "/api/")):
            return jsonify(error=message), 413
        return render_template("message.html", title="内容太长", message=message), 413

    @app.errorhandler(500)
    def server_error(_e):
        log.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            return jsonify(error="服务暂时出了点问题，请稍后再试。"), 500
        return render_template("message.html", title="出错了", message="抱歉，系统出了点问题，请稍后再试，或拨打 12348。"), 500

    from knowledge_base.content_files import topic_names

    names = topic_names()
    app.add_template_filter(lambda code: names.get(code, code) if code else "", "topic")

    @app.after_request
    def no_store_personal_pages(response):
        # Pages with personal data must not stay in a shared phone's or proxy's cache.
        if request.path.startswith(("/console", "/h5", "/result")):
            response.headers["Cache-Control"] = "no-store"
        return response

    from .security_headers import init_app as init_security_headers

    init_security_headers(app)  # CSP, X-Frame-Options, nosniff, Referrer-Policy on every response

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    return app
