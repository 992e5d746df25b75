"""Loyalty points (PRODUCT.md 2): rules, the ledger use cases, jobs, what members see, the audit.

    rules.py     kinds, expiry dates, what a payment earns (pure)
    wallet.py    the lot arithmetic stated in plain Python (the reference the SQL is tested against)
    tiers.py     tier configuration and moves (pure)
    postings.py  ledger operations inside an open unit of work
    ledger.py    use cases: credit, earn, spend, adjust, freeze, unfreeze, revoke
    checkin.py   daily check-in
    jobs.py      release, expiry, reminders, tier review and announcements
    views.py     overview and history
    audit.py     reconciliation (`member-bot audit`)
"""

from models.repositories.ledger import Posted
from services.points.audit import audit
from services.points.checkin import AlreadyCheckedIn, CheckedIn, CheckinRules, check_in, checked_in_today
from services.points.jobs import (
    claim_announcements,
    claim_reminders,
    expire_due,
    mark_reminder_sent,
    release_due,
    review_tiers,
)
from services.points.ledger import Earned, adjust, credit, earn, freeze, revoke, spend, unfreeze
from services.points.postings import InsufficientPoints
from services.points.rules import earn_points, expiry_for
from services.points.tiers import DEFAULT_TIERS, Progress, Tier, Tiers
from services.points.views import HistoryPage, Overview, PointsScreen, history, overview, screen

__all__ = [
    "DEFAULT_TIERS", "AlreadyCheckedIn", "CheckedIn", "CheckinRules", "Earned", "HistoryPage",
    "InsufficientPoints", "Overview", "PointsScreen", "Posted", "Progress", "Tier", "Tiers", "adjust", "audit", "check_in",
    "checked_in_today", "claim_announcements", "claim_reminders", "credit", "earn", "earn_points", "expire_due",
    "expiry_for", "freeze", "history", "mark_reminder_sent", "overview", "release_due", "review_tiers", "revoke",
    "screen", "spend", "unfreeze",
]
