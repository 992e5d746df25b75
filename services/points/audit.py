"""Reconciliation: every member's stored balances against the ledger and the lots."""

from typing import TextIO

from models.database import Database
from models.repositories.points_reads import Reconciliation
from services.unit_of_work import UnitOfWork


async def audit(uow: UnitOfWork) -> list[Reconciliation]:
    """Members whose stored balances differ from what the ledger or the lots add up to."""
    async with uow.read():
        rows = await uow.points.reconciliation()
    return [row for row in rows if row.stored != row.from_ledger or row.stored != row.from_lots]


async def run_audit(database_url: str, out: TextIO) -> int:
    """The `member-bot audit` command: prints each difference; exit status 1 when there is any."""
    database = Database(database_url)
    try:
        differences = await audit(UnitOfWork(database))
    finally:
        await database.dispose()
    for diff in differences:
        print(
            f"member {diff.member_id}: stored available/frozen {diff.stored}, "
            f"ledger {diff.from_ledger}, lots {diff.from_lots}",
            file=out,
        )
    print(f"audit: {len(differences)} member(s) with differences", file=out)
    return 1 if differences else 0
