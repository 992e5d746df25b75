"""The one registry of personal data: every table, which rows are a member's, and what deletion does to them.

`/mydata` exports exactly the rows each entry selects and `/delete_account` applies each entry's
`on_delete`, so a table holding members' rows that is not declared here would be neither exported nor
erased. tests/test_privacy_registry.py walks `Base.metadata` and fails for any table missing here,
any column referring to a member that an entry does not account for, and any column that looks
personal (phone, e-mail, name, address...) that deletion would leave in place. A new feature's
table is therefore declared here in the same change that adds it.

    on_delete  "anonymise": the rows stay (accounting, history) and `erase` columns get the given values
               "delete":    the rows go (they serve only the member: tokens, dialog state, lockouts)
               "keep":      the rows stay untouched: they hold no personal field, only amounts and codes
                            tied to a member id that no longer leads to a person
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import ColumnElement, Table, false, or_, select

# The module of every table declared below, so `table()` finds it in Base.metadata (a new table: add its module).
import models.abuse  # noqa: F401
import models.aftersale  # noqa: F401
import models.approvals  # noqa: F401
import models.broadcasts  # noqa: F401
import models.coupons  # noqa: F401
import models.members  # noqa: F401
import models.orders  # noqa: F401
import models.points  # noqa: F401
import models.privacy  # noqa: F401
import models.runtime  # noqa: F401
import models.staff  # noqa: F401
import models.support  # noqa: F401
from models.base import Base

# Written where a kept row had a personal text that a NOT NULL column cannot lose.
ERASED = "[erased]"


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose data: the member, and the Telegram account bound to them (None when unbound)."""

    member_id: int
    telegram_id: int | None


Selector = Callable[[Table, Subject], ColumnElement[bool]]


def by(*columns: str) -> Selector:
    """Rows where any of these columns holds the member's id."""
    return lambda table, who: or_(*(table.c[name] == who.member_id for name in columns))


def by_telegram(column: str) -> Selector:
    """Rows keyed by the member's Telegram user id."""
    return lambda table, who: table.c[column] == who.telegram_id if who.telegram_id is not None else false()


def _login_subjects(table: Table, who: Subject) -> ColumnElement[bool]:
    """Login lockouts are kept per "member:<id>" and per guessing "tg:<telegram id>"."""
    subjects = [f"member:{who.member_id}"] + ([f"tg:{who.telegram_id}"] if who.telegram_id is not None else [])
    return table.c.subject.in_(subjects)


def _fsm_keys(table: Table, who: Subject) -> ColumnElement[bool]:
    """aiogram keys "fsm[:<bot>]:<chat>:<user>[:<thread>]:<destiny>"; the bot talks in private chats, where chat = user."""
    if who.telegram_id is None:
        return false()
    pair = f"{who.telegram_id}:{who.telegram_id}:"
    return or_(table.c.key.like(f"fsm:{pair}%"), table.c.key.like(f"fsm:%:{pair}%"))


def through(column: str, parent: str, parent_rows: Selector) -> Selector:
    """Rows whose `column` names a row of `parent` that is the member's (an order's lines, a ticket's messages)."""
    def rows(table: Table, who: Subject) -> ColumnElement[bool]:
        source = Base.metadata.tables[parent]
        return table.c[column].in_(select(source.c.id).where(parent_rows(source, who)))
    return rows


ORDER = through("order_id", "orders", by("member_id"))


@dataclass(frozen=True, slots=True)
class PersonalTable:
    """How one table holds members' data.

    `owners`: columns holding the member's id (or Telegram id) that `rows` selects on, for the test to
    check against the schema; `others`: columns naming some other member, exported only as "another
    member"; `other_users`: Telegram ids of other people (staff), exported only as "someone else";
    `secret`: exported only as "set" / "not set"; `why`: one line for the reader.
    """

    name: str
    rows: Selector
    on_delete: Literal["anonymise", "delete", "keep"]
    why: str
    owners: tuple[str, ...] = ()
    erase: Mapping[str, object] = field(default_factory=dict)
    others: tuple[str, ...] = ()
    other_users: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()


MEMBER_ERASE: Mapping[str, object] = {
    "username": None, "username_key": None, "password_hash": None, "email": None, "email_key": None,
    "phone": None, "address": None, "birthday": None, "marketing_opt_in": False, "referrer_id": None,
    "telegram_id": None, "status": "deleted",
}

REGISTRY: tuple[PersonalTable, ...] = (
    PersonalTable(
        "members", by("id"), "anonymise", owners=("id",), erase=MEMBER_ERASE, others=("referrer_id",),
        secret=("password_hash",),
        why="the row stays, status deleted, so the member number is never given to anyone else",
    ),
    PersonalTable(
        "telegram_users", by_telegram("id"), "delete", owners=("id",),
        why="the Telegram account's language; a later message from it starts afresh as a guest",
    ),
    PersonalTable(
        "link_tokens", by("member_id"), "delete", owners=("member_id",), secret=("token_hash",),
        why="an unused token would bind the closed account again",
    ),
    PersonalTable("login_failures", _login_subjects, "delete", owners=("subject",), why="lockout bookkeeping"),
    PersonalTable("login_locks", _login_subjects, "delete", owners=("subject",), why="lockout bookkeeping"),
    PersonalTable(
        "fsm_states", _fsm_keys, "delete", owners=("key",),
        why="an open dialog's answers (typed phone, address...) live in its data",
    ),
    PersonalTable(
        "points_ledger", by("member_id"), "keep", owners=("member_id",),
        why="accounting: amounts, kinds and references, never updated (the audit reconciles them)",
    ),
    PersonalTable("points_lots", by("member_id"), "keep", owners=("member_id",), why="accounting, as the ledger"),
    PersonalTable("points_checkins", by("member_id"), "keep", owners=("member_id",), why="points history"),
    PersonalTable("points_reminders", by("member_id"), "keep", owners=("member_id",), why="sent-once bookkeeping"),
    PersonalTable("tier_changes", by("member_id"), "keep", owners=("member_id",), why="tier history"),
    PersonalTable(
        "coupons", by("member_id"), "keep", owners=("member_id",), others=("received_from",),
        why="kept for orders that used them; available ones are revoked by the deletion itself",
    ),
    PersonalTable("coupon_claims", by("member_id"), "keep", owners=("member_id",), why="campaign limits"),
    PersonalTable(
        "coupon_gifts", by("giver_id", "receiver_id"), "keep", owners=("giver_id", "receiver_id"),
        others=("giver_id", "receiver_id"), secret=("token_hash",),
        why="a gift concerns two members: each sees their own side; open links are cancelled on deletion",
    ),
    PersonalTable("data_exports", by("member_id"), "delete", owners=("member_id",), why="the /mydata rate limit"),
    PersonalTable(
        "audit_log", by("member_id"), "anonymise", owners=("member_id",), other_users=("actor_id",),
        erase={"before": None, "after": None, "reason": None},
        why="who did what and when stays; the snapshots and the reason may quote the member, so they go",
    ),
    PersonalTable(
        "staff_roles", by_telegram("telegram_id"), "keep", owners=("telegram_id",),
        why="a staff role belongs to the Telegram account, not the shopper account: owners revoke it, not a deletion",
    ),
    PersonalTable(
        "approval_requests", by("member_id"), "anonymise", owners=("member_id",),
        other_users=("requested_by", "decided_by"), erase={"reason": ERASED, "payload": None},
        why="who asked, who approved and the amount stay in the record; the reason may quote the member",
    ),
    PersonalTable("cart_items", by("member_id"), "delete", owners=("member_id",), why="serves only the member"),
    PersonalTable(
        "orders", by("member_id"), "keep", owners=("member_id",),
        why="accounting: amounts, statuses and dates; no address or name is stored with an order",
    ),
    PersonalTable("order_lines", ORDER, "keep", why="accounting: what was sold at which price"),
    PersonalTable(
        "order_events", ORDER, "anonymise", other_users=("actor",), erase={"note": None},
        why="the status history stays; a note may quote the member, so it goes",
    ),
    PersonalTable(
        "payments", ORDER, "anonymise", owners=("telegram_user_id",), erase={"telegram_user_id": 0},
        why="accounting: amounts and charge ids stay; the payer's Telegram id goes (a Stars refund is no longer "
            "possible through the bot after that: staff refund it from Telegram's side)",
    ),
    PersonalTable(
        "refunds", ORDER, "anonymise", other_users=("actor",), erase={"reason": None},
        why="accounting: amounts and points given back stay; the reason may quote the member",
    ),
    PersonalTable("refund_lines", through("refund_id", "refunds", ORDER), "keep", why="accounting, as refunds"),
    PersonalTable(
        "return_requests", by("member_id"), "anonymise", owners=("member_id",), other_users=("staff_id",),
        erase={"text": None},
        why="the decision stays with its refund; the member's own words go",
    ),
    PersonalTable(
        "return_request_lines", through("request_id", "return_requests", by("member_id")), "keep",
        why="which items a decided request covered",
    ),
    PersonalTable(
        "return_request_photos", through("request_id", "return_requests", by("member_id")), "delete",
        why="the member's photos serve only the request",
    ),
    PersonalTable(
        "reviews", by("member_id"), "anonymise", owners=("member_id",), erase={"text": None},
        why="the stars stay in the shop's ratings; the words go",
    ),
    PersonalTable(
        "tickets", by("member_id"), "keep", owners=("member_id",), other_users=("staff_id",),
        why="support statistics (kind, dates, rating); the thread's words are in ticket_messages",
    ),
    PersonalTable(
        "ticket_messages", through("ticket_id", "tickets", by("member_id")), "anonymise", other_users=("staff_id",),
        erase={"text": ERASED, "photos": []},
        why="both sides of the conversation may quote the member, so every message's words and photos go",
    ),
    PersonalTable(
        "identity_marks", by("member_id"), "keep", owners=("member_id",), secret=("key_hash",),
        why="anti-abuse: keyed hashes of the phone and Telegram account an account used, never in clear; kept so "
            "a rejoining person cannot earn the same reward twice",
    ),
    PersonalTable(
        "reward_claims", by("member_id"), "keep", owners=("member_id",), secret=("key_hash",),
        why="anti-abuse: a referral or birthday reward claimed per hashed phone, kept after deletion for the same reason",
    ),
    PersonalTable(
        "birthday_changes", by("member_id"), "keep", owners=("member_id",),
        why="anti-abuse: when a birthday was changed (no dates), so a changed birthday earns no reward for 12 months",
    ),
    PersonalTable(
        "broadcast_deliveries", by("member_id"), "delete", owners=("member_id", "telegram_id"),
        why="which marketing messages went to the member: serves only the sending and its report",
    ),
    PersonalTable(
        "automation_sends", by("member_id"), "delete", owners=("member_id",),
        why="which automated message (birthday, win-back, review request) went to the member and when: "
            "only so each fires once per its rule",
    ),
)

# Tables that hold nobody's personal data, and why (the registry test requires every table to be named).
NOT_PERSONAL: Mapping[str, str] = {
    "coupon_campaigns": "the shop's coupon templates",
    "products": "the shop's catalog",
    "processed_updates": "Telegram update ids only, to skip a repeated delivery",
    "broadcasts": "the shop's marketing messages, their segment and counters; the composer is staff",
    "automation_rules": "the shop's automation switches and parameters",
}

BY_NAME: Mapping[str, PersonalTable] = {entry.name: entry for entry in REGISTRY}


def table(entry: PersonalTable) -> Table:
    return Base.metadata.tables[entry.name]
