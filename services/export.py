"""/export: CSV files of members (no secrets) and the points ledger, streamed through a temporary file.

Rows are read in keyset pages (`WHERE id > last ORDER BY id LIMIT BATCH`, each page its own short
read) and written straight to disk, so memory stays flat whatever the table size
(benchmarks/export.py measures it). Each export is checked for the admin role and written to the
audit log first. The file is UTF-8 with a byte-order mark, so spreadsheet programs read Chinese
right; a cell that a spreadsheet would run as a formula (= + - @ at the start) gets a leading '.

Telegram takes documents up to 50 MB from a bot; a larger export is refused with `export-too-large`.
"""

import asyncio
import csv
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.members import format_member_no
from models.orders import format_order_no
from services.errors import InvalidInput
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

BATCH = 2000
TELEGRAM_DOCUMENT_LIMIT = 50 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MEMBER_HEADER = (
    "member_no", "username", "email", "phone", "address", "birthday", "tier", "points_available", "points_frozen",
    "marketing_opt_in", "status", "telegram_id", "referrer_no", "created_at",
)
ORDER_HEADER = (
    "order_no", "member_no", "status", "source", "currency", "subtotal", "coupon_discount", "points_used",
    "points_discount", "total", "refunded_amount", "points_earned", "created_at", "paid_at", "shipped_at",
    "delivered_at", "completed_at", "cancelled_at",
)
LEDGER_HEADER = (
    "entry_id", "member_no", "kind", "amount", "frozen_delta", "available_after", "frozen_after", "reason",
    "ref_type", "ref_id", "paid_amount", "reverses_id", "expires_at", "created_at",
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    path: Path
    name: str  # what the document is called in the chat
    rows: int
    size: int

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def cell(value: Any, tz: ZoneInfo) -> Any:
    """One CSV cell: times in the shop's zone (ISO 8601 with offset), text safe from formula injection."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def member_row(row: tuple, tz: ZoneInfo) -> list[Any]:
    member_id, *middle, referrer_id, created_at = row
    fields = [format_member_no(member_id), *middle, format_member_no(referrer_id) if referrer_id else None, created_at]
    return [cell(value, tz) for value in fields]


def ledger_row(row: tuple, tz: ZoneInfo) -> list[Any]:
    entry_id, member_id, *rest = row
    return [cell(value, tz) for value in (entry_id, format_member_no(member_id), *rest)]


@dataclass(frozen=True, slots=True)
class Source:
    header: tuple[str, ...]
    fetch: Callable[[UnitOfWork, int, int], Awaitable[list[tuple]]]
    shape: Callable[[tuple, ZoneInfo], list[Any]]


def order_row(row: tuple, tz: ZoneInfo) -> list[Any]:
    order_id, member_id, *rest = row
    return [cell(value, tz) for value in (format_order_no(order_id), format_member_no(member_id), *rest)]


EXPORTS: dict[str, Source] = {
    "members": Source(MEMBER_HEADER, lambda uow, after, n: uow.stats.member_rows(after, n), member_row),
    "ledger": Source(LEDGER_HEADER, lambda uow, after, n: uow.stats.ledger_rows(after, n), ledger_row),
    "orders": Source(ORDER_HEADER, lambda uow, after, n: uow.stats.order_rows(after, n), order_row),
}


async def export(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, what: str, directory: str | None = None,
    now: datetime | None = None, batch: int = BATCH,
) -> ExportFile:
    """Writes the CSV to a temporary file (the caller sends it, then calls `remove()`)."""
    source = EXPORTS.get(what)
    if source is None:
        raise InvalidInput("export-unknown")
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        await audit.record(uow, actor.telegram_id, f"export.{what}", "export", what, now=now)
        await uow.commit()
    handle, name = tempfile.mkstemp(prefix=f"export-{what}-", suffix=".csv", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8-sig") as file:
            rows = await _write(uow, source, csv.writer(file), policy.tz, batch)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    size = path.stat().st_size
    if size > TELEGRAM_DOCUMENT_LIMIT:
        path.unlink(missing_ok=True)
        raise InvalidInput("export-too-large", rows=rows, megabytes=size // (1024 * 1024))
    stamp = now.astimezone(policy.tz).strftime("%Y%m%d-%H%M")
    return ExportFile(path, f"{what}-{stamp}.csv", rows, size)


async def _write(uow: UnitOfWork, source: Source, writer: Any, tz: ZoneInfo, batch: int) -> int:
    writer.writerow(source.header)
    after, rows = 0, 0
    while True:
        async with uow.read(snapshot=False):
            page = await source.fetch(uow, after, batch)
        if not page:
            return rows
        # Formatting and writing a page is CPU and disk work: a worker thread does it, the loop goes on.
        await asyncio.to_thread(_write_page, writer, source, page, tz)
        rows += len(page)
        after = page[-1][0]


def _write_page(writer: Any, source: Source, page: list[tuple], tz: ZoneInfo) -> None:
    writer.writerows(source.shape(row, tz) for row in page)
