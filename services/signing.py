"""HMAC-SHA256 request signatures for the shop integration API (pure; no I/O).

The shop signs `"<unix timestamp>\\n<METHOD>\\n<path>\\n"` followed by the raw body with the
shared secret and sends the hex digest with the timestamp. Binding method and path as well as
the body means a captured signature cannot be replayed against another endpoint, and the
timestamp window bounds how long it can be replayed at all.
"""

import hashlib
import hmac

from services.errors import DomainError

MAX_SKEW_SECONDS = 300


class SignatureRejected(DomainError):
    """Missing, malformed, wrong, or too old: the request is refused before anything runs."""

    code = "api-signature"


def signature(secret: bytes, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify(
    secret: bytes, timestamp: str | None, given: str | None, method: str, path: str, body: bytes, now: float,
    max_skew: int = MAX_SKEW_SECONDS,
) -> None:
    """Raise SignatureRejected unless `given` signs this request and the timestamp is recent."""
    if not secret or not timestamp or not given or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureRejected("api-signature")
    if abs(now - int(timestamp)) > max_skew:
        raise SignatureRejected("api-signature-stale")
    if not hmac.compare_digest(given.lower(), signature(secret, timestamp, method, path, body)):
        raise SignatureRejected("api-signature")
