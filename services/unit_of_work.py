"""The unit of work: one use case's transaction, its repositories, and the one place it commits.

A use case receives a `UnitOfWork`, opens it for reading or writing, works through the
repositories and commits once; leaving without `commit()` rolls everything back:

    async with uow.write():
        member_id = await uow.members.add(...)
        await uow.ledger.run(...)
        await uow.commit()

A unit of work is opened by one use case at a time (a handler may pass it to several use
cases one after another); it keeps one session object for all of them, and the session gives
its pooled connection back at the end of each transaction. Nothing waits on Telegram or bcrypt
while it is open, so a connection is held only for the statements themselves. On SQLite
`write()` queues for the single writer slot (see models.database.Database).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from models.database import Database
from models.repositories.abuse import AbuseRepository
from models.repositories.admin import AdminRepository
from models.repositories.aftersale import AftersaleRepository
from models.repositories.automation import AutomationRepository
from models.repositories.broadcasts import BroadcastRepository
from models.repositories.catalog import CatalogRepository
from models.repositories.checkins import CheckinRepository
from models.repositories.coupons import CouponRepository
from models.repositories.ledger import LedgerRepository
from models.repositories.logins import LoginRepository
from models.repositories.members import MemberRepository
from models.repositories.orders import OrderRepository
from models.repositories.personal_data import PersonalDataRepository
from models.repositories.points_reads import PointsReadRepository
from models.repositories.recommendations import RecommendationRepository
from models.repositories.reminders import ReminderRepository
from models.repositories.runtime import FsmRepository, UpdateLogRepository
from models.repositories.staff import StaffRepository
from models.repositories.stats import StatsRepository
from models.repositories.support import TicketRepository
from models.repositories.tiers import TierRepository


class UnitOfWork:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._session: AsyncSession | None = None
        self._open_now = False

    @asynccontextmanager
    async def write(self) -> AsyncIterator["UnitOfWork"]:
        """A write transaction (SQLite: the writer slot and BEGIN IMMEDIATE)."""
        async with self._open(write=True):
            yield self

    @asynccontextmanager
    async def read(self, *, snapshot: bool = True) -> AsyncIterator["UnitOfWork"]:
        """A read; `snapshot=False` runs independent statements without a transaction on SQLite."""
        async with self._open(write=False, snapshot=snapshot):
            yield self

    async def commit(self) -> None:
        await self.session.commit()

    @property
    def session(self) -> AsyncSession:
        if not self._open_now or self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @asynccontextmanager
    async def _open(self, *, write: bool, snapshot: bool = True) -> AsyncIterator[None]:
        if self._open_now:
            raise RuntimeError("a unit of work is opened by one use case at a time")
        async with self.database.writer_slot(write):
            self._open_now = True
            session = self._session = self._session or self.database.sessionmaker()
            try:
                await self.database.begin(session, write=write, snapshot=snapshot)
                yield
            finally:
                self._open_now = False
                if session.in_transaction():
                    await session.rollback()  # left without commit(): nothing of it stays

    # --- repositories over the open session --------------------------------------------------

    @property
    def members(self) -> MemberRepository:
        return MemberRepository(self.session)

    @property
    def logins(self) -> LoginRepository:
        return LoginRepository(self.session)

    @property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self.session)

    @property
    def points(self) -> PointsReadRepository:
        return PointsReadRepository(self.session)

    @property
    def checkins(self) -> CheckinRepository:
        return CheckinRepository(self.session)

    @property
    def tiers(self) -> TierRepository:
        return TierRepository(self.session)

    @property
    def reminders(self) -> ReminderRepository:
        return ReminderRepository(self.session)

    @property
    def coupons(self) -> CouponRepository:
        return CouponRepository(self.session)

    @property
    def staff(self) -> StaffRepository:
        return StaffRepository(self.session)

    @property
    def admin(self) -> AdminRepository:
        return AdminRepository(self.session)

    @property
    def updates(self) -> UpdateLogRepository:
        return UpdateLogRepository(self.session)

    @property
    def fsm(self) -> FsmRepository:
        return FsmRepository(self.session)

    @property
    def aftersale(self) -> AftersaleRepository:
        return AftersaleRepository(self.session)

    @property
    def catalog(self) -> CatalogRepository:
        return CatalogRepository(self.session)

    @property
    def orders(self) -> OrderRepository:
        return OrderRepository(self.session)

    @property
    def tickets(self) -> TicketRepository:
        return TicketRepository(self.session)

    @property
    def stats(self) -> StatsRepository:
        return StatsRepository(self.session)

    @property
    def personal_data(self) -> PersonalDataRepository:
        return PersonalDataRepository(self.session)

    @property
    def abuse(self) -> AbuseRepository:
        return AbuseRepository(self.session)

    @property
    def recommendations(self) -> RecommendationRepository:
        return RecommendationRepository(self.session)

    @property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self.session)

    @property
    def automation(self) -> AutomationRepository:
        return AutomationRepository(self.session)
