"""The yardstick for bench_webhook.py: a bare Flask + wechatpy webhook that checks the
signature, decrypts, parses, and answers with a fixed text — no database, no dialog.
Whatever 法援助手's webhook costs beyond this is our own work per message."""
from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

app = Flask(__name__)
TOKEN, AES_KEY, APPID = os.environ["WECHAT_TOKEN"], os.environ["WECHAT_AES_KEY"], os.environ["WECHAT_APPID"]


@app.post("/wechat")
def receive() -> Response:
    args = request.args
    check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    msg = parse_message(crypto.decrypt_message(request.get_data(), args["msg_signature"], args["timestamp"],
                                               args["nonce"]))
    reply = create_reply("您好，这是一条固定的回复。", msg).render()
    return Response(crypto.encrypt_message(reply, args["nonce"], args["timestamp"]), mimetype="application/xml")
