"""gunicorn's access-log line for 法援助手: method, path, status, size, time — never the
query string and never the Referer.

WeChat signs each webhook call in the query string (signature, timestamp, nonce,
openid, msg_signature) and a citizen's H5 links carry a personal token in the path's
last segment or the Referer; a log line with either lets anyone who reads logs act as
that citizen. `%(U)s` is the path without the query; H5 and result tokens are cut off.
"""
from __future__ import annotations

import re

ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
_TOKEN_PATH = re.compile(r"^(/(?:h5/[^/]+|result))/[^/]+")


def scrub_path(path: str) -> str:
    """/h5/apply/<token> → /h5/apply/…, /result/<token> → /result/…: the page, not the key."""
    return _TOKEN_PATH.sub(r"\1/…", path.split("?", 1)[0])


def make_logger_class():
    """A gunicorn Logger whose access line goes through scrub_path."""
    from gunicorn.glogging import Logger

    class ScrubbingLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            atoms["U"] = scrub_path(environ.get("PATH_INFO", ""))
            atoms["r"] = f'{environ.get("REQUEST_METHOD", "-")} {atoms["U"]} {environ.get("SERVER_PROTOCOL", "-")}'
            atoms["q"] = ""
            atoms["f"] = "-"
            return atoms

    return ScrubbingLogger
