"""Access logs without secrets: no query strings, no personal link tokens.

WeChat puts `signature`, `timestamp`, `nonce`, `msg_signature` and the citizen's
`openid` in the query string; the citizen's H5 and result links carry a bearer token in
the path. A stock access log writes all of that in clear, and anyone who reads the log
could replay a signed URL or open a citizen's form. So:

- ``ACCESS_LOG_FORMAT`` uses only the path (``%(U)s``), never ``%(r)s``/``%(q)s``;
- ``RedactingLogger`` (gunicorn's ``logger_class``) also redacts the atoms themselves, so
  a format set elsewhere, the referer or a ``{…}e`` environ atom cannot leak them either;
- ``install_werkzeug_filter`` does the same for the development server's request lines.

Use with gunicorn (the production server, see `python -m bot serve`)::

    from bot.logging_config import GUNICORN_LOG_SETTINGS
    options.update(GUNICORN_LOG_SETTINGS)   # or: gunicorn --logger-class bot.logging_config.RedactingLogger
"""
from __future__ import annotations

import logging
import re

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
_TOKEN_PATH = re.compile(r"^(/h5/[a-z_]+/|/result/)[^/?#\s]+")
_QUERY = re.compile(r"\?\S*")


def redact_path(path: str | None) -> str:
    """A request path with its query cut off and personal link tokens replaced."""
    if not path:
        return "-"
    path = path.split("?", 1)[0]
    return _TOKEN_PATH.sub(lambda m: m.group(1) + "…", path)


def redact_line(line: str) -> str:
    """Every URL in a free-text log line, with queries cut and tokens replaced."""
    without_query = _QUERY.sub("", line)
    return re.sub(r"(/h5/[a-z_]+/|/result/)[^/?#\s\"]+", lambda m: m.group(1) + "…", without_query)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is only needed to serve
    _GunicornLogger = object  # type: ignore[assignment,misc]


class RedactingLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger with the request line, query, path and referer redacted."""

    def atoms(self, resp, req, environ, request_time):  # noqa: D401 - gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO"))
        atoms["U"] = path
        atoms["q"] = "-"
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["f"] = redact_line(str(atoms.get("f", "-")))
        for name in ("{query_string}e", "{raw_uri}e", "{request_uri}e"):
            if name in atoms:
                atoms[name] = "-"
        return atoms


GUNICORN_LOG_SETTINGS = {"access_log_format": ACCESS_LOG_FORMAT,
                         "logger_class": "bot.logging_config.RedactingLogger"}


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact_line(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_line(record.msg)
        return True


def install_werkzeug_filter() -> None:
    """The development server logs 'GET /path?query HTTP/1.1': redact it too (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _RedactFilter) for f in logger.filters):
        logger.addFilter(_RedactFilter())
