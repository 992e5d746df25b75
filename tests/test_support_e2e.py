"""Feedback tickets through the fake Telegram: a complaint from /feedback to the member's rating, the
staff desk in between, and everyone else (other members, non-staff, forged buttons) kept out."""

import io
import re

from PIL import Image
from sqlalchemy import select

from bot.callbacks import DeskAction, DeskCb, TicketAction, TicketCb
from bot.dispatcher import shop_policy
from models.staff import AuditRecord
from models.support import Ticket, TicketMessage
from sandbox.emulator import SimUser
from services import support
from services.staff import roles
from services.support import desk
from services.staff.roles import Role
from tests.conftest import OWNER_ID, BotEnv
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False}


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


async def operator(bot_env: BotEnv, role: Role = Role.operator) -> SimUser:
    staff = bot_env.new_user(first_name="Staff")
    await roles.grant(bot_env.uow(), shop_policy(bot_env.settings), OWNER_ID, staff.id, role)
    staff.open_chat()
    return staff


async def ticket_row(bot_env: BotEnv, number: str) -> Ticket:
    async with bot_env.sessionmaker() as session:
        return await session.scalar(select(Ticket).where(Ticket.number == number))


async def open_complaint(member: SimUser, text: str) -> str:
    """/feedback → complaint → text and a photo → submit; returns the ticket number."""
    await member.send("/feedback")
    screen = await member.expect_message()
    assert screen.text == shown("feedback-start")
    await member.press(screen, t("ticket-kind-complaint"))
    assert says(screen.text, "feedback-compose", kind=t("ticket-kind-complaint"), max=2000, photos=5)
    await member.send(text)
    first = await member.expect_message()
    assert first.text == shown("feedback-draft", chars=len(text), photos=0)
    await member.send_photo(png())
    draft = await member.expect_message()
    assert draft.text == shown("feedback-draft", chars=len(text), photos=1)
    assert first.button_texts == []  # only the newest prompt keeps its buttons
    await member.press(draft, t("feedback-btn-send"))
    assert says(draft.text, "feedback-created", number=ANY)
    number = re.search(r"T\d{6}", draft.text).group(0)
    assert draft.text == shown("feedback-created", number=number)
    return number


async def test_a_complaint_is_answered_closed_and_rated(bot_env: BotEnv, member: SimUser) -> None:
    text = "The parcel <arrived> broken & late"
    number = await open_complaint(member, text)
    ticket = await ticket_row(bot_env, number)
    assert (ticket.kind, ticket.status, ticket.member_id) == ("complaint", "open", member.member_id)
    staff = await operator(bot_env)
    await staff.send("/tickets")
    queue = await staff.expect_message()
    assert says(queue.text, "desk-line", flag=t("desk-flag-complaint") + " ", number=number, kind=ANY, member=ANY,
                status=t("ticket-status-open"), time=ANY)
    await staff.press(queue, f"{t('desk-flag-complaint')} {number}")
    assert text in queue.text and shown("ticket-line-photos", count=1) in queue.text
    await staff.press(queue, t("desk-btn-photos", count=1))
    photo = await staff.expect_message()
    assert photo.kind == "photo" and photo.text == shown("desk-photo-caption", number=number, n=1, total=1)

    await staff.press(queue, t("desk-btn-reply"))
    assert (await staff.expect_message()).text == shown("desk-reply-ask", number=number)
    await staff.send("Sorry! A refund is on its way.")
    assert (await staff.expect_message()).text == shown("desk-reply-sent", number=number)
    relayed = await member.expect_message()
    assert relayed.text == shown("ticket-staff-replied", number=number, text="Sorry! A refund is on its way.")
    ticket = await ticket_row(bot_env, number)
    assert ticket.status == "answered" and ticket.first_response_seconds is not None and ticket.staff_id == staff.id

    await member.press(relayed, t("ticket-btn-answer"))
    assert (await member.expect_message()).text == shown("ticket-answer-ask", number=number)
    await member.send("Thank you, I will wait")
    assert (await member.expect_message()).text == shown("ticket-answer-sent", number=number)
    back = await staff.expect_message()
    assert back.text == shown("desk-member-answered", number=number, text="Thank you, I will wait")
    assert (await ticket_row(bot_env, number)).status == "open"

    await staff.press(back, t("ticket-btn-view"))  # the notice turns into the ticket's screen
    assert says(back.text, "desk-ticket", number=number, kind=t("ticket-kind-complaint"), member=ANY,
                status=t("ticket-status-open"), time=ANY)
    assert "Thank you, I will wait" in back.text and "Sorry! A refund is on its way." in back.text
    toast = await staff.press(back, t("desk-btn-close"))
    assert toast == t("desk-closed", number=number)
    assert t("ticket-status-closed") in back.text and t("desk-btn-reply") not in back.button_texts
    ask = await member.expect_message()
    assert ask.text == shown("ticket-closed-rate", number=number)
    await member.press(ask, "4★")
    assert ask.text == shown("ticket-rated", stars="★★★★☆")
    toast = await member.press(ask, t("ticket-btn-view"))
    assert shown("ticket-rating-shown", stars="★★★★☆") in ask.text and "5★" not in ask.button_texts

    ticket = await ticket_row(bot_env, number)
    assert (ticket.status, ticket.rating) == ("closed", 4) and ticket.closed_at is not None
    messages = await bot_env.probe.rows(
        select(TicketMessage.author, TicketMessage.staff_id, TicketMessage.text).where(TicketMessage.ticket_id == ticket.id)
        .order_by(TicketMessage.id)
    )
    assert messages == [("member", None, text), ("staff", staff.id, "Sorry! A refund is on its way."),
                        ("member", None, "Thank you, I will wait")]
    steps = await bot_env.probe.rows(
        select(AuditRecord.action, AuditRecord.actor_id).where(AuditRecord.target_type == "ticket",
                                                               AuditRecord.target_id == str(ticket.id))
        .order_by(AuditRecord.id)
    )
    assert steps == [("ticket.open", None), ("ticket.reply", staff.id), ("ticket.member_reply", None),
                     ("ticket.close", staff.id), ("ticket.rate", None)]


async def test_another_member_never_sees_or_answers_the_ticket(bot_env: BotEnv, member: SimUser) -> None:
    number = await open_complaint(member, "My own complaint")
    ticket = await ticket_row(bot_env, number)
    other = bot_env.new_user()
    await bot_env.make_member(other)
    await other.send("/feedback")
    screen = await other.expect_message()
    await other.press(screen, t("feedback-btn-mine"))
    assert screen.text == f"{shown('tickets-mine', page=1, pages=1)}\n\n{shown('tickets-mine-empty')}"
    for forged in (TicketAction.show, TicketAction.answer):
        toast = await press_data(bot_env, other, screen, TicketCb(action=forged, id=ticket.id).pack())
        assert toast == t("error-ticket-not-found") and number not in screen.text
    await desk.close(bot_env.uow(), shop_policy(bot_env.settings), OWNER_ID, ticket.id)
    toast = await press_data(bot_env, other, screen, TicketCb(action=TicketAction.rate, id=ticket.id, value="1").pack())
    assert toast == t("error-ticket-not-found")
    await other.send("just chatting")  # not in any dialog: nothing goes into the ticket
    await other.expect_message()
    rows = await bot_env.probe.scalars(select(TicketMessage.text).where(TicketMessage.ticket_id == ticket.id))
    assert rows == ["My own complaint"]
    assert (await ticket_row(bot_env, number)).rating is None
    # The owner may still rate it, once; a replayed press changes nothing.
    await member.send("/feedback")
    mine = await member.expect_message()
    await member.press(mine, t("feedback-btn-mine"))
    await member.press(mine, number)
    await member.press(mine, "2★")
    assert mine.text == shown("ticket-rated", stars="★★☆☆☆")
    toast = await press_data(bot_env, member, mine, TicketCb(action=TicketAction.rate, id=ticket.id, value="5").pack())
    assert toast == t("error-ticket-rated") and (await ticket_row(bot_env, number)).rating == 2


async def test_staff_commands_and_buttons_are_unknown_to_everyone_else(bot_env: BotEnv, member: SimUser) -> None:
    number = await open_complaint(member, "Where is my order?")
    ticket = await ticket_row(bot_env, number)
    for command in ("/tickets", "/stats", "/export"):
        await member.send(command)
        assert says((await member.expect_message()).text, "unknown-command")
    screen = member.last_message
    for action in (DeskAction.close, DeskAction.show, DeskAction.reply):
        toast = await press_data(bot_env, member, screen, DeskCb(action=action, id=ticket.id).pack())
        assert toast == t("button-expired")
    staff = await operator(bot_env)
    for command in ("/stats", "/export"):  # admins and up
        await staff.send(command)
        assert says((await staff.expect_message()).text, "unknown-command")
    await roles.revoke(bot_env.uow(), shop_policy(bot_env.settings), OWNER_ID, staff.id)
    await staff.send("/tickets")
    assert says((await staff.expect_message()).text, "unknown-command")
    ticket = await ticket_row(bot_env, number)
    assert ticket.status == "open" and ticket.staff_id is None
    assert await bot_env.probe.scalars(select(TicketMessage.author).where(TicketMessage.ticket_id == ticket.id)) == ["member"]


async def test_bad_input_in_the_dialog_gets_a_clear_answer(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/feedback")
    screen = await member.expect_message()
    await member.press(screen, t("ticket-kind-question"))
    toast = await press_data(bot_env, member, screen, TicketCb(action=TicketAction.send).pack())
    assert toast == t("error-ticket-empty")
    await member.send_document(b"%PDF", "a.pdf")
    assert (await member.expect_message()).text == shown("feedback-send-text-or-photo")
    await member.send("x" * 2001)
    assert (await member.expect_message()).text == shown("error-ticket-text-too-long", max=2000)
    await member.send("A question about delivery times")
    draft = await member.expect_message()
    await member.press(draft, t("btn-cancel"))
    assert draft.text == shown("cancelled")
    assert await bot_env.probe.scalars(select(Ticket.id).where(Ticket.member_id == member.member_id)) == []


async def test_a_staff_photo_reaches_the_member_and_tickets_are_paged(bot_env: BotEnv, member: SimUser) -> None:
    tickets = [await support.open_ticket(bot_env.uow(), member.member_id, "suggestion", f"idea {n}", [])
               for n in range(6)]
    staff = await operator(bot_env)
    await staff.send("/tickets")
    queue = await staff.expect_message()
    newest = tickets[-1]
    await press_data(bot_env, staff, queue, DeskCb(action=DeskAction.reply, id=newest.id).pack())
    await staff.expect_message()
    await staff.send_photo(png("blue"), caption="Like this?")
    assert (await staff.expect_message()).text == shown("desk-reply-sent", number=newest.number)
    relayed = await member.expect_message()
    assert relayed.text == shown("ticket-staff-replied", number=newest.number, text="Like this?")
    photo = await member.expect_message()
    assert photo.kind == "photo" and photo.photo == png("blue")

    await member.send("/feedback")
    screen = await member.expect_message()
    await member.press(screen, t("feedback-btn-mine"))
    assert shown("tickets-mine", page=1, pages=2) in screen.text and newest.number in screen.text
    await member.press(screen, t("btn-page-next"))
    assert shown("tickets-mine", page=2, pages=2) in screen.text and tickets[0].number in screen.text
    await member.press(screen, tickets[0].number)
    assert says(screen.text, "ticket-detail", number=tickets[0].number, kind=t("ticket-kind-suggestion"),
                status=t("ticket-status-open"), time=ANY)


async def test_feedback_about_an_own_order_names_it_and_a_forged_order_is_refused(
    bot_env: BotEnv, member: SimUser,
) -> None:
    from services import orders
    from services.orders import ProductSpec

    product_id = await orders.add_product(bot_env.uow(), ProductSpec("茶", "Tea", 1_000, 5))
    await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    order = await orders.place_order(bot_env.uow(), member.member_id, shop_policy(bot_env.settings).orders, "CNY")
    await member.send("/feedback")
    screen = await member.expect_message()
    await member.press(screen, t("ticket-kind-question"))
    assert screen.text == shown("feedback-order-ask") and order.number in str(screen.inline_buttons)
    forged = TicketCb(action=TicketAction.order, id=order.id + 1_000).pack()
    await press_data(bot_env, member, screen, forged)  # someone else's order: refused when sending
    await member.send("Is it shipped?")
    draft = await member.expect_message()
    assert await member.press(draft, t("feedback-btn-send")) == t("error-ticket-order-not-found")
    await member.send("/feedback")
    screen = await member.expect_message()
    await member.press(screen, t("ticket-kind-question"))
    await member.press(screen, order.number)
    await member.send("Is it shipped?")
    draft = await member.expect_message()
    await member.press(draft, t("feedback-btn-send"))
    number = re.search(r"T\d{6}", draft.text).group(0)
    assert (await ticket_row(bot_env, number)).order_id == order.id
