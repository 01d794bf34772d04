"""Personal data encrypted at rest, with key rotation and blind indexes (shared ground).

Why: a copied database file or a backup must not hand out applicants' ID numbers and
phones (PIPL 51: encryption as a security measure). The columns hold Fernet tokens
(AES-128-CBC + HMAC-SHA256, `cryptography`), written by the `EncryptedText` column type,
so the rest of the code reads and writes plain strings.

Keys come from the environment:
- ``FAYUAN_DATA_KEYS`` — comma-separated Fernet keys. The **first encrypts**, **all
  decrypt** (MultiFernet): to rotate, put a new key first, run
  `handoff.applications.reencrypt_personal_data`, then drop the old key.
- ``FAYUAN_INDEX_KEY`` — the HMAC key of the blind indexes. It does not rotate with the
  data keys (every index would change); it is separate so that a leaked index cannot be
  decrypted and a rotated data key leaves lookups working.

Without them (a laptop, the tests) both are generated once into ``var/data_keys.json``
with mode 0600, like var/secret_key; with FAYUAN_ENV=production they are required.

A *blind index* is HMAC(index key, kind + normalised value): the console can find the
application with a given full ID number or phone by equality, without the clear value
being stored or a table of all phones being guessable offline without the key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

ROOT = Path(__file__).resolve().parent.parent
_lock = threading.Lock()
_cached: "FieldCipher | None" = None


class CipherKeyError(RuntimeError):
    """The configured keys cannot be used (the message says which and why)."""


@dataclass(frozen=True)
class FieldCipher:
    fernet: MultiFernet
    index_key: bytes

    def encrypt(self, value: str) -> str:
        return self.fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as e:
            raise CipherKeyError("a stored value cannot be decrypted with FAYUAN_DATA_KEYS "
                            "(a key was removed before re-encrypting?)") from e

    def rotate(self, token: str) -> str:
        """The same value encrypted with the first (newest) key."""
        return self.fernet.rotate(token.encode("ascii")).decode("ascii")

    def blind_index(self, kind: str, value: str) -> str:
        return hmac.new(self.index_key, f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()


def _var_dir() -> Path:
    return Path(os.environ.get("FAYUAN_VAR_DIR", ROOT / "var"))


def _local_keys() -> tuple[list[str], str]:
    """Development keys kept in var/data_keys.json (0600), created on first use."""
    path = _var_dir() / "data_keys.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"data_keys": [Fernet.generate_key().decode()],
                "index_key": base64.urlsafe_b64encode(os.urandom(32)).decode()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
    data = json.loads(path.read_text())
    return list(data["data_keys"]), str(data["index_key"])


def build_cipher(data_keys: list[str], index_key: str) -> FieldCipher:
    keys = [k.strip() for k in data_keys if k.strip()]
    if not keys or not index_key.strip():
        raise CipherKeyError("FAYUAN_DATA_KEYS and FAYUAN_INDEX_KEY must both be set (or neither, for a laptop)")
    try:
        fernet = MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as e:
        raise CipherKeyError("FAYUAN_DATA_KEYS: each key must be a Fernet key (Fernet.generate_key())") from e
    return FieldCipher(fernet, index_key.strip().encode())


def cipher() -> FieldCipher:
    """The process-wide cipher, from the environment or the local key file."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                env_keys, env_index = os.environ.get("FAYUAN_DATA_KEYS", ""), os.environ.get("FAYUAN_INDEX_KEY", "")
                if env_keys or env_index:
                    _cached = build_cipher(env_keys.split(","), env_index)
                elif os.environ.get("FAYUAN_ENV", "").strip().lower() == "production":
                    # Several servers each generating a key file would write rows the others
                    # cannot read: production must be given its keys.
                    raise CipherKeyError("FAYUAN_ENV=production: set FAYUAN_DATA_KEYS and FAYUAN_INDEX_KEY")
                else:
                    _cached = build_cipher(*_local_keys())
    return _cached


def reset_cipher() -> None:
    """Forget the cached keys (after changing the environment: tests, key rotation)."""
    global _cached
    _cached = None


def looks_encrypted(value: str) -> bool:
    """A Fernet token (version byte 0x80 → 'gAAAAA' in urlsafe base64)."""
    return value.startswith("gAAAAA")


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; Python code sees the clear string."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        return cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return cipher().decrypt(value)
