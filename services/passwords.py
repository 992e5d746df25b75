"""bcrypt hashing run in a worker thread, so one login never stalls other members."""

import asyncio
import base64
import hashlib

import bcrypt

# bcrypt only reads the first 72 bytes; longer passwords (allowed up to 64 characters,
# i.e. up to 256 UTF-8 bytes) are pre-hashed so every character counts.
_MAX_BCRYPT_BYTES = 72


def _prepare(password: str) -> bytes:
    raw = password.encode("utf-8")
    if len(raw) > _MAX_BCRYPT_BYTES:
        raw = base64.b64encode(hashlib.sha256(raw).digest())
    return raw


async def hash_password(password: str, rounds: int = 12) -> str:
    raw = _prepare(password)
    hashed = await asyncio.to_thread(bcrypt.hashpw, raw, bcrypt.gensalt(rounds))
    return hashed.decode("ascii")


async def check_password(password: str, hashed: str) -> bool:
    raw = _prepare(password)
    try:
        return await asyncio.to_thread(bcrypt.checkpw, raw, hashed.encode("ascii"))
    except ValueError:
        return False
