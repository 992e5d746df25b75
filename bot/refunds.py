"""The Telegram side of a refund: give Stars back (refundStarPayment) and tell the member of a decision.

Called right after a staff decision, and by a background job for Stars refunds that could not be
sent then (each is claimed by one process; a refund Telegram already made counts as done).
"""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from bot.delivery import deliver
from bot.i18n import pick_language, translator
from bot.render import money, quote
from services.orders import refunds
from services.orders.returns import Decision
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def send_star_refunds(bot: Bot, uow: UnitOfWork, limit: int = 20) -> int:
    """Refund pending Stars payments; returns how many Telegram confirmed."""
    done = 0
    for due in await refunds.due_star_refunds(uow, limit):
        if not await refunds.claim_star_refund(uow, due.refund_id):
            continue
        try:
            await bot.refund_star_payment(user_id=due.telegram_user_id, telegram_payment_charge_id=due.charge_id)
            ok = True
        except TelegramBadRequest as error:
            ok = "ALREADY_REFUNDED" in str(error).upper()
            if not ok:
                log.warning("refundStarPayment refused for refund %s: %s", due.refund_id, error)
        except TelegramAPIError as error:
            ok = False
            log.warning("refundStarPayment failed for refund %s: %s", due.refund_id, error)
        await refunds.finish_star_refund(uow, due.refund_id, ok)
        done += ok
    return done


async def tell_member(bot: Bot, decision: Decision, default_language: str) -> bool:
    """The member hears of the decision on their request, in their language."""
    if decision.telegram_id is None:
        return False
    t = translator(pick_language(decision.language, None, default_language))
    request, order = decision.request, decision.order
    kind = t(f"aftersale-btn-kind-{request.kind}")
    if request.status == "rejected":
        text = t("aftersale-rejected", number=order.number, kind=kind, reason=quote(request.reject_reason or ""))
    else:
        refund = decision.refund.refund
        text = t("aftersale-approved", number=order.number, kind=kind,
                 amount=money(refund.amount, order.currency, t.language))
        if refund.points_returned or refund.points_revoked:
            text += "\n" + t("aftersale-approved-points", returned=refund.points_returned, revoked=refund.points_revoked)
    return await deliver(bot, decision.telegram_id, text)
