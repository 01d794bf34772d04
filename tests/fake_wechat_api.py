"""A tiny local stand-in for WeChat's HTTP API (token, customer-service and template
messages): the only thing the handoff tests mock. Runs on 127.0.0.1 only."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FakeWeChatAPI:
    def __init__(self) -> None:
        self.custom: list[dict] = []
        self.template: list[dict] = []
        self.fail_users: dict[str, int] = {}  # openid → errcode to answer with
        self.slow_users: dict[str, float] = {}  # openid → seconds to stay silent before answering
        self.stalled = threading.Event()        # set while a slow answer is being held back
        self.token_fetches = 0                  # each fetch issues a new token, as WeChat does
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # keep test output clean
                pass

            def _json(self, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                if urlsplit(self.path).path.endswith("/token"):
                    api.token_fetches += 1
                    return self._json({"access_token": f"fake-token-{api.token_fetches}", "expires_in": 7200})
                return self._json({"errcode": 40001, "errmsg": "unknown"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                user = data.get("touser", "")
                if user in api.slow_users:
                    api.stalled.set()
                    time.sleep(api.slow_users[user])
                if user in api.fail_users:
                    return self._json({"errcode": api.fail_users[user], "errmsg": "fake failure"})
                path = urlsplit(self.path).path
                if path.endswith("/message/custom/send"):
                    api.custom.append(data)
                elif path.endswith("/message/template/send"):
                    api.template.append(data)
                else:
                    return self._json({"errcode": 40001, "errmsg": "unknown"})
                return self._json({"errcode": 0, "errmsg": "ok", "msgid": 1})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeWeChatAPI":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts_to(self, user: str) -> list[str]:
        return [m["text"]["content"] for m in self.custom if m.get("touser") == user]
