"""Named domain errors; the bot turns each code into a localised message (`error-<code>`)."""

from typing import Any


class DomainError(Exception):
    """A rule said no. `code` names the text key, `params` fill it in."""

    code = "generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(self.code)


class InvalidInput(DomainError):
    """A field failed validation; `field` tells which one to ask for again."""

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field


class Conflict(InvalidInput):
    """A unique value is already taken (possibly found only at commit time)."""


class NotAllowed(DomainError):
    code = "not-allowed"


class NotFound(DomainError):
    code = "not-found"
