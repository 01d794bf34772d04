"""Builds requests the way the WeChat platform sends them: signed, optionally encrypted."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from wechatpy.crypto import WeChatCrypto

from app_factory import AES_KEY, APPID, TOKEN


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def text_xml(user: str, content: str, msg_id: int, create_time: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def voice_xml(user: str, recognition: str | None, msg_id: int) -> str:
    rec = f"<Recognition><![CDATA[{recognition}]]></Recognition>" if recognition is not None else ""
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
            f"<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>{rec}<MsgId>{msg_id}</MsgId></xml>")


def event_xml(user: str, event: str, key: str = "", create_time: int | None = None) -> str:
    k = f"<EventKey><![CDATA[{key}]]></EventKey>" if key else ""
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event>{k}</xml>")


def location_xml(user: str, lat: float, lon: float, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[location]]></MsgType>"
            f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y><Scale>15</Scale>"
            f"<Label><![CDATA[某地]]></Label><MsgId>{msg_id}</MsgId></xml>")


def media_xml(user: str, mtype: str, msg_id: int) -> str:
    extra = {"image": "<PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId>",
             "video": "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId>",
             "shortvideo": "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId>",
             "link": "<Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[http://x]]></Url>",
             "file": "<Title><![CDATA[a.pdf]]></Title><FileKey><![CDATA[k]]></FileKey>"}[mtype]
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{mtype}]]></MsgType>{extra}"
            f"<MsgId>{msg_id}</MsgId></xml>")


@dataclass
class WeChat:
    """Posts to /wechat like the platform: plain or safe mode; decrypts replies."""

    client: object
    token: str = TOKEN
    safe: bool = False

    def params(self, timestamp: str | None = None, nonce: str | None = None) -> dict:
        """Fresh signed parameters: WeChat sends a new nonce with every request."""
        ts = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**10))
        return {"signature": signature(self.token, ts, nonce), "timestamp": ts, "nonce": nonce}

    def post(self, xml: str, params: dict | None = None, **overrides):
        params = dict(params) if params else self.params()
        if self.safe:
            crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
            envelope = crypto.encrypt_message(xml, params["nonce"], params["timestamp"])
            from xml.etree import ElementTree as ET
            root = ET.fromstring(envelope)
            params["msg_signature"] = root.findtext("MsgSignature")
            params["encrypt_type"] = "aes"
            body = f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{root.findtext('Encrypt')}]]></Encrypt></xml>"
        else:
            body = xml
        params.update(overrides)
        resp = self.client.post("/wechat", query_string=params, data=body.encode("utf-8"),
                                content_type="text/xml")
        return resp, params

    def reply_text(self, resp, params) -> str | None:
        """The Content of a passive text reply (decrypted in safe mode), None for 'success'."""
        body = resp.get_data(as_text=True)
        if body == "success":
            return None
        if self.safe:
            crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
            from xml.etree import ElementTree as ET
            root = ET.fromstring(body)
            body = crypto.decrypt_message(body, root.findtext("MsgSignature"), root.findtext("TimeStamp"),
                                          root.findtext("Nonce"))
        from xml.etree import ElementTree as ET
        return ET.fromstring(body).findtext("Content")


_msg_ids = __import__("itertools").count(int(time.time() * 1000) + 5_000_000)


class Citizen:
    """One WeChat user talking to the webhook; every reply must fit one passive reply."""

    def __init__(self, client, user: str):
        self.wx = WeChat(client)
        self.user = user

    def say(self, text: str) -> str | None:
        reply = self.wx.reply_text(*self.wx.post(text_xml(self.user, text, next(_msg_ids))))
        assert reply is None or len(reply) <= 600, reply
        return reply
