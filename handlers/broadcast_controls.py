"""A broadcast's progress message and its Pause / Resume / Cancel buttons; the unsubscribe button
under every marketing message; members blocking and unblocking the bot (my_chat_member)."""

from aiogram import F, Router
from aiogram.filters import ChatMemberUpdatedFilter, KICKED, MEMBER
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import replies
from bot.broadcast_render import digest, progress_screen
from bot.broadcast_worker import BroadcastQueue
from bot.callbacks import BroadcastAction, BroadcastCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.render import error_text
from services import broadcasts
from services.broadcasts import delivery
from services.errors import DomainError
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


async def send_progress(message: Message, uow: UnitOfWork, t: Translator, broadcast_id: int) -> None:
    """A new progress message for the composer; senders edit it from now on."""
    progress = await delivery.progress(uow, broadcast_id)
    text, markup = progress_screen(t, progress)
    await delivery.claim_progress(uow, broadcast_id, digest(text, markup))
    sent = await message.answer(text, reply_markup=markup)
    await delivery.set_progress_message(uow, broadcast_id, sent.message_id)


async def steer(
    callback: CallbackQuery, callback_data: BroadcastCb, uow: UnitOfWork, t: Translator, policy: ShopPolicy,
    broadcast_queue: BroadcastQueue, callback_answer: CallbackAnswer,
) -> None:
    """Pause, resume or cancel from the progress message; the message shows the new state at once."""
    action = callback_data.action.name
    try:
        changed, view = await broadcasts.control(uow, policy, callback.from_user.id, callback_data.id, action)
    except DomainError as error:
        callback_answer.text = error_text(t, error, policy.tz)
        return
    callback_answer.text = t(f"broadcast-done-{action}" if changed else "broadcast-unchanged")
    if changed and action == "resume":
        await broadcast_queue.kick(view.id)
    progress = await delivery.progress(uow, view.id)
    text, markup = progress_screen(t, progress)
    if await delivery.claim_progress(uow, view.id, digest(text, markup)):
        await replies.show(callback, text, markup)


async def unsubscribe(callback: CallbackQuery, uow: UnitOfWork, t: Translator, callback_answer: CallbackAnswer) -> None:
    """One tap, at once: no more marketing. The message stays as it is."""
    changed = await broadcasts.unsubscribe(uow, callback.from_user.id)
    callback_answer.text = t("broadcast-unsubscribed" if changed else "broadcast-already-unsubscribed")


async def blocked(event: ChatMemberUpdated, uow: UnitOfWork) -> None:
    await broadcasts.set_reachable(uow, event.from_user.id, False)


async def unblocked(event: ChatMemberUpdated, uow: UnitOfWork) -> None:
    await broadcasts.set_reachable(uow, event.from_user.id, True)


def create_router() -> Router:
    router = Router(name="broadcast-controls")
    controls = F.action.in_({BroadcastAction.pause, BroadcastAction.resume, BroadcastAction.cancel})
    router.callback_query.register(steer, BroadcastCb.filter(controls), IsStaff(broadcasts.BROADCAST_ROLE))
    router.callback_query.register(unsubscribe, BroadcastCb.filter(F.action == BroadcastAction.unsubscribe))
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
