"""The automation jobs' bot side: the review button's callback data, and the switches of the two
service messages (expiry reminders, tier upgrades) that bot/scheduler.py sends directly."""

from datetime import datetime

from bot.callbacks import AftersaleAction, AftersaleCb
from models.database import Database
from services import automation
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


def review_button(order_id: int) -> str:
    """The callback data of order `order_id`'s review screen (the member's ownership is checked there)."""
    return AftersaleCb(action=AftersaleAction.review, id=order_id).pack()


async def run_automations(database: Database, policy: ShopPolicy, now: datetime | None = None) -> dict[str, int]:
    """Birthday, win-back and review-request runs; the broadcast senders deliver what they queue."""
    return await automation.run_due(UnitOfWork(database), policy, review_button, now)


async def rule(database: Database, kind: str) -> automation.Rule:
    """One kind's rule as it is now (its defaults when never set)."""
    uow = UnitOfWork(database)
    async with uow.read(snapshot=False):
        return (await automation.load(uow))[kind]
