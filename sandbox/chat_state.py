"""What the emulated Telegram remembers: chat messages, stored files, pending queries, change signals."""

from __future__ import annotations

import asyncio
import io
import itertools
import mimetypes
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Changes:
    """Wakes every waiter whenever emulator state changes.

    Works like an asyncio.Condition notified on every change, but notify() is synchronous so plain
    methods (user.block(), recording a message) can signal without holding a lock. Waiters re-check
    their predicate on each signal: event-driven, never a polling sleep.
    """

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float | None) -> bool:
        """True once predicate() holds, False if timeout seconds pass first (None: no limit)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                pass  # the loop re-checks the predicate one last time
            finally:
                self._waiters.discard(waiter)
        return True


@dataclass(eq=False)
class StoredFile:
    """A file held in memory, reachable by file_id (reuse) and by file_path (download)."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "photo" | "document"
    file_name: str
    mime_type: str
    file_path: str
    width: int = 0
    height: int = 0

    def as_document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }

    def as_photo(self) -> list[dict[str, Any]]:
        """Telegram sends several sizes; one (the original) is enough for a bot to take photo[-1]."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        ]

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    """Uploaded and user-sent files, kept in memory for the emulator's lifetime."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def add(self, data: bytes, kind: str, file_name: str, size: tuple[int, int] = (0, 0)) -> StoredFile:
        number = next(self._numbers)
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{number:06d}",
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            file_path=f"{kind}s/file_{number}.{suffix}",
            width=size[0],
            height=size[1],
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


@dataclass(eq=False)
class PendingAnswer:
    """A callback or pre-checkout query waiting for the bot's answer."""

    chat_id: int
    answered: bool = False
    expired: bool = False
    ok: bool = True
    text: str | None = None
    show_alert: bool = False
    error_message: str | None = None

    @property
    def open(self) -> bool:
        return not (self.answered or self.expired)


@dataclass(eq=False)
class ChatMessage:
    """One message of a private chat, live: edits and deletions update it in place."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    sender: dict[str, Any]
    chat: dict[str, Any]
    kind: str = "text"  # text | photo | document | invoice | contact | payment
    text: str = ""  # plain text, or the plain caption of a media message
    html: str | None = None  # the raw text/caption as the bot sent it
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo_file: StoredFile | None = None
    document_file: StoredFile | None = None
    invoice: dict[str, Any] | None = None  # the sendInvoice parameters, payload and prices included
    contact: dict[str, Any] | None = None
    successful_payment: dict[str, Any] | None = None
    reply_to: ChatMessage | None = None
    deleted: bool = False
    edit_count: int = 0
    edit_date: int | None = None

    @property
    def photo(self) -> bytes | None:
        return self.photo_file.data if self.photo_file else None

    @property
    def document(self) -> bytes | None:
        return self.document_file.data if self.document_file else None

    @property
    def document_name(self) -> str | None:
        return self.document_file.file_name if self.document_file else None

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        """The inline keyboard under the message; reply keyboards belong to the chat, not the message."""
        markup = self.reply_markup
        return markup if markup and "inline_keyboard" in markup else None

    @property
    def inline_buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.inline_markup
        return [list(row) for row in markup["inline_keyboard"]] if markup else []

    @property
    def button_texts(self) -> list[str]:
        """Texts of the inline buttons, or of the reply keyboard this message brought."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button if isinstance(button, str) else button["text"] for row in rows for button in row]

    def to_telegram(self) -> dict[str, Any]:
        """The Message object as the Bot API returns and delivers it."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.to_telegram()
        message.update(self._content())
        if self.inline_markup:
            message["reply_markup"] = self.inline_markup
        return message

    def _content(self) -> dict[str, Any]:
        if self.kind == "text":
            return {"text": self.text, **({"entities": self.entities} if self.entities else {})}
        if self.kind == "invoice" and self.invoice:
            public = ("title", "description", "start_parameter", "currency", "total_amount")
            return {"invoice": {key: self.invoice.get(key, "") for key in public}}
        content: dict[str, Any] = {}
        if self.photo_file:
            content["photo"] = self.photo_file.as_photo()
        if self.document_file:
            content["document"] = self.document_file.as_document()
        if self.caption:
            content["caption"] = self.caption
            if self.entities:
                content["caption_entities"] = self.entities
        if self.contact:
            content["contact"] = self.contact
        if self.successful_payment:
            content["successful_payment"] = self.successful_payment
        return content

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for chat UIs (files by file_id, not bytes)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "from_bot": self.from_bot,
            "date": self.date,
            "kind": self.kind,
            "text": self.text,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "caption": self.caption,
            "reply_markup": self.reply_markup,
            "inline_buttons": self.inline_buttons,
            "photo_file_id": self.photo_file.file_id if self.photo_file else None,
            "document_file_id": self.document_file.file_id if self.document_file else None,
            "document_name": self.document_name,
            "invoice": self.invoice,
            "contact": self.contact,
            "successful_payment": self.successful_payment,
            "reply_to_message_id": self.reply_to.message_id if self.reply_to else None,
            "deleted": self.deleted,
            "edit_count": self.edit_count,
        }

    def describe(self) -> str:
        """One line for assertion dumps."""
        who = "bot" if self.from_bot else "user"
        flags = "".join(f" [{flag}]" for flag, on in (("deleted", self.deleted), ("edited", self.edit_count)) if on)
        buttons = f" buttons={self.button_texts}" if self.button_texts else ""
        return f"#{self.message_id} {who} {self.kind}: {self.text!r}{buttons}{flags}"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height if data is an image Pillow can read, else None."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow is a project dependency
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
