"""Member data rights through the fake Telegram (PRODUCT.md 1.4), on both databases.

Two members with rows in every registered table: /mydata holds every table's rows of the member
and nobody else's; /delete_account (two confirmations that forged data cannot skip) leaves no
personal field anywhere, keeps the ledger reconciled, frees the phone for a new sign-up and never
gives the member number out again; /unsubscribe and /subscribe take effect at once.
"""

import asyncio
import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot import keyboards, scheduler
from bot.callbacks import PrivacyAction, PrivacyCb
from bot.commands import MEMBER_COMMANDS
from bot.dispatcher import shop_policy
from bot.i18n import translator
from models.abuse import BirthdayChange, RewardClaim
from models.base import Base, utcnow
from models.coupons import Coupon, CouponGift
from models.members import LoginFailure, LoginLock, Member
from models.personal_data import REGISTRY, Subject
from models.points import PointsLedger, PointsLot, PointsReminder, TierChange
from models.runtime import FsmRecord
from models.staff import AuditRecord
from sandbox.emulator import ChatMessage, SimUser
from services import accounts, coupons, members, orders, points, privacy, support
from services.orders import Charge, ProductSpec, returns, reviews
from services.orders.rules import sign_payload
from services.staff import points as staff_points
from services.coupons import CampaignSpec
from services.errors import NotAllowed
from services.staff import audit, roles
from tests.conftest import OWNER_ID, BotEnv, _assert_no_api_errors, unique
from tests.test_e2e_join import consent, member_of
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False}
# Rows only a member who is also staff has (see the last test).
STAFF_ONLY = {"staff_roles"}
# Tables whose rows are the member's through a parent row: (column, parent table).
THROUGH = {
    "order_lines": ("order_id", "orders"), "order_events": ("order_id", "orders"), "refunds": ("order_id", "orders"),
    "refund_lines": ("refund_id", "refunds"), "return_request_lines": ("request_id", "return_requests"),
    "return_request_photos": ("request_id", "return_requests"), "ticket_messages": ("ticket_id", "tickets"),
}


@dataclass
class Person:
    user: SimUser
    member_id: int
    username: str
    email: str
    phone: str
    address: str

    @property
    def tid(self) -> int:
        return self.user.id

    @property
    def identifying(self) -> list[str]:
        """Values that would give the person away if they turned up anywhere."""
        return [self.username, self.username.casefold(), self.email, self.email.casefold(), self.phone, self.address]


async def _campaign(bot_env: BotEnv) -> int:
    spec = CampaignSpec(code=unique("c"), name_zh="券", name_en="Coupon", kind="amount_off", amount_off=500,
                        min_spend=1_000, valid_days=30, per_member_limit=5, channel="claimable")
    return await coupons.create_campaign(bot_env.uow(), spec)


async def person(bot_env: BotEnv, campaign_id: int) -> Person:
    """A member with rows in every registered table (the gift rows come from `gift`)."""
    user = bot_env.new_user()
    member_id = await bot_env.make_member(user)
    uow, policy = bot_env.uow(), shop_policy(bot_env.settings)
    address = unique("No. 8 Privacy Road ")
    await members.update_profile(uow, member_id, "phone", user.phone_number)
    await members.update_profile(uow, member_id, "address", address)
    await members.update_profile(uow, member_id, "birthday", date(1990, 5, 17))
    await members.set_marketing(uow, member_id, True)
    await points.adjust(uow, member_id, 500, unique("seed"), reason="seed", tz=policy.tz)
    await points.freeze(uow, member_id, 120, unique("hold"), reason="dispute")
    await points.check_in(uow, member_id, policy.checkin, policy.tz)
    for _ in range(3):
        await coupons.claim(uow, member_id, campaign_id, policy.tiers)
    await accounts.create_link_token(uow, member_id, timedelta(days=1))
    now = utcnow()
    await bot_env.probe.write(
        insert(PointsReminder).values(member_id=member_id, expires_at=now + timedelta(days=30), days_before=30,
                                      points=5, created_at=now),
        insert(TierChange).values(member_id=member_id, from_tier="normal", to_tier="silver", spend=1, upgrade=True,
                                  created_at=now),
        insert(BirthdayChange).values(member_id=member_id, changed_at=now),  # anti-abuse memory (issue 15)
        insert(RewardClaim).values(key_hash=unique("h"), reward="birthday", period="2026", member_id=member_id,
                                   created_at=now),
        insert(LoginFailure).values(subject=f"member:{member_id}", created_at=now),
        insert(LoginFailure).values(subject=f"tg:{user.id}", created_at=now),
        insert(LoginLock).values(subject=f"member:{member_id}", locked_until=now - timedelta(minutes=1)),
        # a dialog of another kind left half-way, holding what was typed
        insert(FsmRecord).values(key=f"fsm:{user.id}:{user.id}:other", state="Form:phone",
                                 data={"phone": user.phone_number, "address": address}),
    )
    async with uow.write():  # staff changed the phone once, at the member's request
        await audit.record(uow, OWNER_ID, "member.edit", "member", member_id, member_id=member_id,
                           before={"phone": "+8613900000000"}, after={"phone": user.phone_number},
                           reason=f"asked by {address}")
        await uow.commit()
    await shopping(bot_env, member_id, user.id, address)
    await marketing(bot_env, member_id, user.id)
    view = await _view(bot_env, member_id)
    return Person(user, member_id, view.username, view.email, user.phone_number, address)


async def shopping(bot_env: BotEnv, member_id: int, telegram_id: int, address: str) -> None:
    """An order paid, partly refunded on a return request with a photo, completed and reviewed; a cart; a ticket."""
    uow, policy = bot_env.uow(), shop_policy(bot_env.settings)
    first, second = [await orders.add_product(uow, ProductSpec(unique("商品"), "Item", 1_000, 10)) for _ in range(2)]
    for product_id in (first, second):
        await orders.add_to_cart(uow, member_id, product_id)
    order = await orders.place_order(uow, member_id, policy.orders, policy.currency)
    payload = sign_payload(policy.orders.payload_key, order.id)
    charge = Charge(telegram_id, unique("charge"), None, order.currency, order.total, payload)
    await orders.record_payment(uow, charge, policy.orders, earn_rate=policy.earn_rate, tiers=policy.tiers, tz=policy.tz)
    await orders.ship(uow, order.id, "api", return_window=policy.return_window)
    await orders.deliver(uow, order.id, "api", return_window=policy.return_window)
    line = (await orders.order_of(uow, member_id, order.id)).lines[0]
    form = returns.ReturnForm(order.id, "return", "damaged", f"broken, call me at {address}", {line.id: 1}, ["photo-1"])
    request = await returns.open_request(uow, member_id, form)
    await returns.approve(uow, policy, OWNER_ID, request.id)
    await orders.complete(uow, order.id, f"staff:{OWNER_ID}", return_window=policy.return_window)
    await reviews.review(uow, member_id, order.id, 4, f"great, from {address}", 5, policy.tz)
    await orders.add_to_cart(uow, member_id, first)
    await support.open_ticket(uow, member_id, "question", f"where is it? {address}", ["photo-2"], order.id)
    await staff_points.adjust(uow, policy, OWNER_ID, member_id, policy.approval_points_threshold + 1,
                              f"goodwill for {address}", unique("adjust"))  # waits for a second admin


async def marketing(bot_env: BotEnv, member_id: int, telegram_id: int) -> None:
    """A broadcast reached the member (its delivery row)."""
    from models.broadcasts import Broadcast, BroadcastDelivery

    now = datetime.now(UTC)
    broadcast_id = await bot_env.probe.write(insert(Broadcast.__table__).values(
        composer_id=OWNER_ID, composer_language="zh", kind="text", text="<b>Sale</b>", segment="all",
        segment_params="{}", status="done", total=1, sent=1, failed=0, blocked=0, unknown=0, created_at=now,
    ).returning(Broadcast.__table__.c.id))
    await bot_env.probe.write(insert(BroadcastDelivery.__table__).values(
        broadcast_id=broadcast_id, member_id=member_id, telegram_id=telegram_id, status="sent", attempts=1, sent_at=now))
    from models.automation import AutomationSend  # an automation (issue 15) sent it

    await bot_env.probe.write(insert(AutomationSend.__table__).values(
        kind="winback", member_id=member_id, period=now.date().isoformat(), status="queued",
        broadcast_id=broadcast_id, created_at=now))


async def _view(bot_env: BotEnv, member_id: int) -> Member:
    return await bot_env.probe.scalar(select(Member).where(Member.id == member_id))


async def _own_coupon_ids(bot_env: BotEnv, member_id: int) -> list[int]:
    return await bot_env.probe.scalars(select(Coupon.id).where(Coupon.member_id == member_id,
                                                               Coupon.received_from.is_(None)).order_by(Coupon.id))


async def gift(bot_env: BotEnv, giver: Person, receiver: Person) -> None:
    """The giver hands one coupon to the receiver and leaves a second link open."""
    uow = bot_env.uow()
    given, offered, _ = await _own_coupon_ids(bot_env, giver.member_id)
    await coupons.gifts.accept(uow, receiver.member_id, await coupons.gifts.offer(uow, giver.member_id, given))
    await coupons.gifts.offer(uow, giver.member_id, offered)


@pytest.fixture
async def pair(bot_env: BotEnv) -> tuple[Person, Person]:
    campaign_id = await _campaign(bot_env)
    a, b = await person(bot_env, campaign_id), await person(bot_env, campaign_id)
    await gift(bot_env, a, b)
    await gift(bot_env, b, a)
    yield a, b
    _assert_no_api_errors(bot_env)


async def download(user: SimUser) -> tuple[ChatMessage, dict]:
    await user.send("/mydata")
    message = await user.expect_message()
    assert message.document is not None, message.text
    return message, json.loads(message.document)


def _mentions(entry_owners: tuple[str, ...], row: dict, who: Person) -> bool:
    mine = {who.member_id, who.tid, "you", f"member:{who.member_id}", f"tg:{who.tid}"}
    return any(row[c] in mine or (c == "key" and f":{who.tid}:" in row[c]) for c in entry_owners)


async def test_mydata_holds_every_table_of_the_member_and_nobody_elses(bot_env: BotEnv, pair) -> None:
    a, b = pair
    message, document = await download(a.user)
    assert message.document_name.startswith(f"M{a.member_id:06d}") and message.document_name.endswith(".json")
    assert message.text == shown("mydata-caption", member_no=f"M{a.member_id:06d}",
                                 rows=sum(len(rows) for rows in document["tables"].values()))
    tables = document["tables"]
    assert sorted(tables) == sorted(entry.name for entry in REGISTRY)
    for entry in REGISTRY:
        assert tables[entry.name] or entry.name in STAFF_ONLY, f"the set-up left {entry.name} empty: it proves nothing"
        if entry.name in THROUGH:  # a child of the member's own rows (an order's lines, a ticket's messages)
            column, parent = THROUGH[entry.name]
            assert {row[column] for row in tables[entry.name]} <= {row["id"] for row in tables[parent]}, entry.name
        else:
            assert all(_mentions(entry.owners, row, a) for row in tables[entry.name]), entry.name
    text = message.document.decode()
    for value in (*b.identifying, str(b.tid), f"member:{b.member_id}"):
        assert value not in text
    profile = tables["members"][0]
    assert profile["phone"] == a.phone and profile["address"] == a.address and profile["birthday"] == "1990-05-17"
    assert profile["password_hash"] == "set" and "$2b$" not in text
    assert datetime.fromisoformat(profile["created_at"]).tzinfo is not None
    assert datetime.fromisoformat(document["exported_at"]).tzinfo is not None
    ledger = await bot_env.probe.scalars(select(PointsLedger.id).where(PointsLedger.member_id == a.member_id))
    assert [row["id"] for row in tables["points_ledger"]] == sorted(ledger)
    gifts = await bot_env.probe.scalars(
        select(CouponGift.id).where((CouponGift.giver_id == a.member_id) | (CouponGift.receiver_id == a.member_id)))
    assert sorted(row["id"] for row in tables["coupon_gifts"]) == sorted(gifts) and len(gifts) == 3
    assert {(row["giver_id"], row["receiver_id"]) for row in tables["coupon_gifts"]} == {
        ("you", "another member"), ("you", None), ("another member", "you")}
    assert ("someone else", {"phone": a.phone}) in [(row["actor_id"], row["after"]) for row in tables["audit_log"]]
    assert {row["action"] for row in tables["audit_log"]} == {"member.edit", "return.approve", "ticket.open",
                                                               "approval.request"}
    assert all("token_hash" not in row or row["token_hash"] == "set" for row in tables["coupon_gifts"])
    assert {row["received_from"] for row in tables["coupons"]} == {None, "another member"}

    await a.user.send("/mydata")  # at once again: refused, the bot is not made to build it twice a minute
    assert says((await a.user.expect_message()).text, "error-mydata-too-soon", seconds=ANY)
    _, theirs = await download(b.user)
    assert theirs["member_no"] == f"M{b.member_id:06d}" and a.phone not in json.dumps(theirs)


async def _delete(user: SimUser) -> ChatMessage:
    await user.send("/delete_account")
    screen = await user.expect_message()
    assert says(screen.text, "delete-ask-first", member_no=ANY, points=ANY)
    await user.press(screen, t("btn-delete-continue"))
    assert screen.text == shown("delete-ask-second")
    await user.press(screen, t("btn-delete-confirm"))
    return screen


async def _rows_of(bot_env: BotEnv, who: Person) -> dict[str, list[tuple]]:
    rows = {}
    for entry in REGISTRY:
        source = Base.metadata.tables[entry.name]
        rows[entry.name] = await bot_env.probe.rows(
            select(source).where(entry.rows(source, Subject(who.member_id, who.tid))).order_by(*source.primary_key))
    return rows


async def _everything(bot_env: BotEnv) -> list[tuple[str, str, object]]:
    """Every value of every column of every table in the database."""
    values = []
    for name, source in Base.metadata.tables.items():
        for row in await bot_env.probe.rows(select(source)):
            values += [(name, column.name, value) for column, value in zip(source.columns, row, strict=True)]
    return values


async def test_delete_account_leaves_no_personal_field_and_keeps_the_books(bot_env: BotEnv, pair) -> None:
    a, b = pair
    before, theirs = await _view(bot_env, a.member_id), await _rows_of(bot_env, b)
    screen = await _delete(a.user)
    assert screen.text == shown("delete-done", member_no=f"M{a.member_id:06d}")
    assert t("btn-register") in screen.button_texts  # a guest now, who may join again

    closed = await _view(bot_env, a.member_id)
    assert closed.status == "deleted" and closed.telegram_id is None and not closed.marketing_opt_in
    assert (closed.username, closed.email, closed.phone, closed.address, closed.birthday, closed.password_hash,
            closed.referrer_id) == (None,) * 7
    who = Subject(a.member_id, a.tid)
    for entry in REGISTRY:
        source = Base.metadata.tables[entry.name]
        columns = [source.c[c] for c in entry.erase] or list(source.c)
        rows = await bot_env.probe.rows(select(*columns).where(entry.rows(source, who)))
        if entry.on_delete == "delete":
            assert rows == [], entry.name
        elif entry.on_delete == "anonymise":
            erased = [tuple(json.dumps(v) if isinstance(v, list | dict) else v for v in row) for row in rows]
            assert rows and set(erased) == {tuple(json.dumps(v) if isinstance(v, list | dict) else v
                                                  for v in entry.erase.values())}, entry.name
    leaks = [(table, column, value) for table, column, value in await _everything(bot_env)
             if value in a.identifying or value == a.tid or (isinstance(value, str) and str(a.tid) in value)
             or (isinstance(value, dict) and a.phone in json.dumps(value))]
    assert leaks == []
    ledger = await bot_env.probe.rows(select(PointsLedger.kind, PointsLedger.amount)
                                      .where(PointsLedger.member_id == a.member_id).order_by(PointsLedger.id))
    # kept: the seed, the hold, the check-in, the order's points (earned, partly revoked by the refund,
    # the review's); then the available balance forfeited with the account
    assert [kind for kind, _ in ledger] == ["adjust", "freeze", "checkin", "earn", "revoke", "review", "adjust"]
    assert ledger[-1][1] == -before.points_available
    assert closed.points_available == 0 and closed.points_frozen == before.points_frozen
    assert await points.audit(bot_env.uow()) == []
    statuses = await bot_env.probe.scalars(select(Coupon.status).where(Coupon.member_id == a.member_id))
    assert "available" not in statuses and "revoked" in statuses
    open_links = await bot_env.probe.scalars(select(CouponGift.id).where(CouponGift.giver_id == a.member_id,
                                                                        CouponGift.status == "open"))
    assert open_links == []
    other = await _view(bot_env, b.member_id)
    assert other.status == "active" and other.phone == b.phone and other.telegram_id == b.tid
    assert await _rows_of(bot_env, b) == theirs  # the other member's rows, untouched
    await _jobs_reach_only_the_living(bot_env, a, b)

    # the same person joins again: a new member, a new number, the same phone
    await consent(a.user)
    await a.user.press_reply(t("btn-share-phone"))
    assert says((await a.user.expect_message()).text, "reg-done", member_no=ANY, points=ANY)
    again = await member_of(bot_env, a.user)
    assert again.id > a.member_id and again.phone == a.phone
    assert (await _view(bot_env, a.member_id)).status == "deleted"


async def _jobs_reach_only_the_living(bot_env: BotEnv, gone: Person, alive: Person) -> None:
    """Tier news, expiry reminders and coupon nudges: the closed account gets none, the other member does."""
    seen = len(gone.user.messages), len(alive.user.messages)
    args = (bot_env.app.bot, bot_env.database, shop_policy(bot_env.settings), bot_env.settings.default_language)
    await scheduler.announce_tier_changes(*args)
    expires = await bot_env.probe.scalar(select(func.max(PointsLot.expires_at))
                                         .where(PointsLot.member_id.in_([gone.member_id, alive.member_id])))
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=5))
    until = await bot_env.probe.scalar(select(func.max(Coupon.valid_until)).where(Coupon.member_id == alive.member_id))
    await scheduler.send_coupon_nudges(*args, now=until - timedelta(days=1))
    assert len(gone.user.messages) == seen[0]
    assert len(alive.user.messages) >= seen[1] + 3  # the control: each job did reach the member still here


def _data(message: ChatMessage, label: str) -> str:
    return next(button["callback_data"] for row in message.inline_buttons for button in row if button["text"] == label)


async def test_the_two_confirmations_cannot_be_skipped_with_forged_data(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/start")
    home = await member.expect_message()
    expired = t("button-expired")
    forged = PrivacyCb(action=PrivacyAction.confirm, nonce="00000000").pack()
    assert await press_data(bot_env, member, home, forged) == expired
    await member.send("/delete_account")
    first = await member.expect_message()
    first_nonce = PrivacyCb.unpack(_data(first, t("btn-delete-continue"))).nonce
    for action, nonce in ((PrivacyAction.confirm, first_nonce), (PrivacyAction.proceed, "deadbeef"),
                          (PrivacyAction.confirm, "")):
        assert await press_data(bot_env, member, first, PrivacyCb(action=action, nonce=nonce).pack()) == expired
    await member.press(first, t("btn-delete-continue"))
    second_nonce = PrivacyCb.unpack(_data(first, t("btn-delete-confirm"))).nonce
    assert second_nonce != first_nonce
    for action, nonce in ((PrivacyAction.proceed, first_nonce), (PrivacyAction.confirm, first_nonce)):
        assert await press_data(bot_env, member, first, PrivacyCb(action=action, nonce=nonce).pack()) == expired
    await member.press(first, t("btn-cancel"))
    assert shown("delete-cancelled") in first.text
    late = PrivacyCb(action=PrivacyAction.confirm, nonce=second_nonce).pack()
    assert await press_data(bot_env, member, first, late) == expired
    assert (await _view(bot_env, member.member_id)).status == "active"


async def test_two_confirmations_at_once_close_the_account_once(bot_env: BotEnv, member: SimUser) -> None:
    await points.adjust(bot_env.uow(), member.member_id, 70, unique("seed"), reason="seed", tz=bot_env.settings.tz)
    results = await asyncio.gather(*(privacy.close_account(bot_env.uow(), member.member_id) for _ in range(4)),
                                   return_exceptions=True)
    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert all(isinstance(result, NotAllowed) for result in results if isinstance(result, Exception))
    forfeits = await bot_env.probe.scalars(select(PointsLedger.amount).where(
        PointsLedger.member_id == member.member_id, PointsLedger.idempotency_key == f"closed:{member.member_id}"))
    assert forfeits == [-70] and await points.audit(bot_env.uow()) == []


async def test_two_downloads_at_once_build_one_file(bot_env: BotEnv, member: SimUser) -> None:
    results = await asyncio.gather(*(privacy.export_data(bot_env.uow(), member.member_id) for _ in range(3)),
                                   return_exceptions=True)
    assert sum(isinstance(result, privacy.DataFile) for result in results) == 1


async def test_unsubscribe_and_subscribe_take_effect_at_once(bot_env: BotEnv, member: SimUser) -> None:
    async def opted_in() -> bool:
        return await bot_env.probe.scalar(select(Member.marketing_opt_in).where(Member.id == member.member_id))

    for command, key, expected in (("/subscribe", "marketing-on", True), ("/subscribe", "marketing-on-already", True),
                                   ("/unsubscribe", "marketing-off", False),
                                   ("/unsubscribe", "marketing-off-already", False),
                                   ("/subscribe", "marketing-on", True)):
        await member.send(command)
        assert (await member.expect_message()).text == shown(key), command
        assert await opted_in() is expected
    text, data = keyboards.unsubscribe_button(translator("zh"))
    assert text == t("btn-unsubscribe")
    last = member.messages[-1]
    assert await press_data(bot_env, member, last, data.pack()) == t("unsubscribe-toast")
    assert await opted_in() is False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_commands_are_in_the_menu_in_both_languages(lang: str) -> None:
    for command in ("mydata", "unsubscribe", "subscribe", "delete_account"):
        assert command in MEMBER_COMMANDS and t(f"cmd-{command}", lang)


async def test_the_profile_leads_to_the_privacy_screen_download_and_delete(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    screen = await member.expect_message()
    await member.press(screen, t("btn-privacy"))
    assert screen.text == shown("privacy-screen", marketing=t("value-no"))
    await member.press(screen, t("btn-mydata"))
    document = await member.expect_message()
    assert json.loads(document.document)["member_no"] == f"M{member.member_id:06d}"
    await member.press(screen, t("btn-delete-account"))
    warning = await member.expect_message()
    assert says(warning.text, "delete-ask-first", member_no=f"M{member.member_id:06d}", points=0)
    await member.press(warning, t("btn-cancel"))
    assert says(warning.text, "delete-cancelled") and t("btn-points") in warning.button_texts
    await member.press(screen, t("btn-profile"))
    assert t("btn-privacy") in screen.button_texts
    assert (await _view(bot_env, member.member_id)).status == "active"


async def test_an_export_over_the_upload_limit_goes_compressed(
    bot_env: BotEnv, member: SimUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "MAX_DOCUMENT", 200)
    exported = await privacy.export_data(bot_env.uow(), member.member_id)
    assert exported.filename.endswith(".json.gz")
    assert json.loads(gzip.decompress(exported.data))["member_no"] == f"M{member.member_id:06d}"


async def test_a_staff_members_role_is_exported_and_outlives_the_shopper_account(
    bot_env: BotEnv, member: SimUser
) -> None:
    policy = shop_policy(bot_env.settings)
    await roles.grant(bot_env.uow(), policy, OWNER_ID, member.id, roles.Role.operator)
    _, document = await download(member)
    assert [row["role"] for row in document["tables"]["staff_roles"]] == ["operator"]
    await privacy.close_account(bot_env.uow(), member.member_id)
    assert await roles.current_role(bot_env.uow(), policy, member.id) == roles.Role.operator
    closed = await bot_env.probe.rows(select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.after)
                                      .where(AuditRecord.member_id == member.member_id))
    assert closed == [("member.closed", None, None)]


async def test_an_english_member_is_answered_in_english(bot_env: BotEnv) -> None:
    user = bot_env.new_user(language_code="en")
    await bot_env.make_member(user)
    await user.send("/unsubscribe")
    assert (await user.expect_message()).text == shown("marketing-off-already", "en")
    await user.send("/delete_account")
    warning = await user.expect_message()
    assert says(warning.text, "delete-ask-first", "en", member_no=f"M{user.member_id:06d}", points=0)
    await user.press(warning, t("btn-delete-continue", "en"))
    assert warning.text == shown("delete-ask-second", "en")
    await user.press(warning, t("btn-delete-confirm", "en"))
    assert warning.text == shown("delete-done", "en", member_no=f"M{user.member_id:06d}")
    _assert_no_api_errors(bot_env)
