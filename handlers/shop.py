"""/shop and /cart: the catalog (paged), a product card (with its photo when it has one), the cart."""

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import CheckoutAction, CheckoutCb, MenuAction, MenuCb, ShopAction, ShopCb
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, money, quote
from services import orders
from services.errors import DomainError
from services.members import MemberView
from services.orders import Cart, ProductView, recommendations
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
CAPTION_DESCRIPTION = 600  # a photo caption holds 1024 characters: name, price and stock need the rest
LINES_SHOWN = 20  # order lines on one screen: with names cut to NAME_SHOWN, far below 4096 characters
NAME_SHOWN = 60
FOR_YOU = 3  # recommendations under the first catalog page


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the catalog ---------------------------------------------------------------------------------

async def catalog_view(uow: UnitOfWork, member: MemberView, t: Translator, lang: str, settings: Settings,
                       policy: ShopPolicy, page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await orders.products(uow, page, settings.shop_page_size)
    in_cart = (await orders.cart(uow, member.id)).count
    lines = [
        t("shop-line", name=quote(product.name(lang)), price=money(product.price, policy.currency, lang),
          stock=t("shop-stock", count=product.stock) if product.stock else t("shop-sold-out"))
        for product in found.items
    ]
    title = t("shop-title", page=found.page + 1, pages=found.pages)
    rows: list[list[Button]] = [
        [(short(product.name(lang), 40), ShopCb(action=ShopAction.product, id=product.id, page=found.page))]
        for product in found.items
    ]
    rows.append(keyboards.pager(t, found.page, found.pages, lambda n: ShopCb(action=ShopAction.list, page=n)))
    rows.append([(t("shop-btn-cart", count=in_cart), ShopCb(action=ShopAction.cart, page=found.page)),
                 (t("btn-home"), MenuCb(action=MenuAction.home))])
    body = "\n".join(lines) if lines else t("shop-empty")
    if found.page == 0:
        block, buttons = await for_you(uow, member, t, lang, policy)
        body, rows = body + block, buttons + rows
    return f"{title}\n\n{body}", keyboards.inline(rows)


async def for_you(uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                  policy: ShopPolicy) -> tuple[str, list[list[Button]]]:
    """The "For you" block under the first catalog page: each product with its one-line reason and a button."""
    picks = await recommendations.for_member(uow, member.id, FOR_YOU)
    if not picks:
        return "", []
    lines = [t("recs-title")]
    for pick in picks:
        if pick.reason == "together":
            reason = t("recs-reason-together", anchor=quote(short(pick.anchor.name(lang), NAME_SHOWN)))
        elif pick.reason == "tier":
            reason = t("recs-reason-tier", tier=quote(policy.tiers.get(pick.tier or "").name(lang)))
        else:
            reason = t("recs-reason-best-seller")
        lines.append(t("recs-line", name=quote(short(pick.product.name(lang), NAME_SHOWN)),
                       price=money(pick.product.price, policy.currency, lang), reason=reason))
    buttons = [[(t("recs-btn", name=short(pick.product.name(lang), 36)),
                 ShopCb(action=ShopAction.product, id=pick.product.id, page=0))] for pick in picks]
    return "\n\n" + "\n".join(lines), buttons


def product_text(t: Translator, product: ProductView, lang: str, policy: ShopPolicy, description: int) -> str:
    stock = t("shop-stock", count=product.stock) if product.stock else t("shop-sold-out")
    return t("shop-product", name=quote(product.name(lang)), description=quote(short(product.description(lang),
             description)), price=money(product.price, policy.currency, lang), stock=stock)


def product_buttons(t: Translator, product: ProductView, page: int) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = []
    if product.stock:
        rows.append([(t("shop-btn-add"), ShopCb(action=ShopAction.add, id=product.id, page=page))])
    rows.append([(t("shop-btn-cart-plain"), ShopCb(action=ShopAction.cart, page=page)),
                 (t("shop-btn-list"), ShopCb(action=ShopAction.list, page=page))])
    return keyboards.inline(rows)


async def shop_command(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                       settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await catalog_view(uow, member, t, lang, settings, policy, 0)
    await message.answer(text, reply_markup=markup)


async def shop_button(callback: CallbackQuery, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                      settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await catalog_view(uow, member, t, lang, settings, policy, 0)
    await replies.show(callback, text, markup)


async def catalog_page(callback: CallbackQuery, callback_data: ShopCb, uow: UnitOfWork, member: MemberView,
                       t: Translator, lang: str, settings: Settings, policy: ShopPolicy) -> None:
    text, markup = await catalog_view(uow, member, t, lang, settings, policy, callback_data.page)
    await replies.show(callback, text, markup)


async def show_product(callback: CallbackQuery, callback_data: ShopCb, uow: UnitOfWork, t: Translator, lang: str,
                       policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """A product with a photo comes as a new photo card (a text message cannot become a photo)."""
    try:
        product = await orders.product(uow, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    markup = product_buttons(t, product, callback_data.page)
    if product.photo:
        caption = product_text(t, product, lang, policy, CAPTION_DESCRIPTION)
        try:
            await callback.bot.send_photo(callback.from_user.id, product.photo, caption=caption, reply_markup=markup)
            return
        except TelegramBadRequest as error:  # a stale file_id or an unreachable URL: the text card still works
            log.warning("photo of product %s not sent: %s", product.id, error)
    await replies.show(callback, product_text(t, product, lang, policy, 1000), markup)


async def add_button(callback: CallbackQuery, callback_data: ShopCb, uow: UnitOfWork, member: MemberView,
                     t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """One more into the cart; a toast says how many are in it now (the card itself does not change)."""
    try:
        quantity = await orders.add_to_cart(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    callback_answer.text = t("shop-added", count=quantity)


# --- the cart ------------------------------------------------------------------------------------

def cart_view(t: Translator, cart: Cart, lang: str, policy: ShopPolicy, page: int) -> tuple[str, InlineKeyboardMarkup]:
    def cash(amount: int) -> str:
        return money(amount, policy.currency, lang)

    shown = cart.lines[:LINES_SHOWN]
    lines = [t("cart-line", name=quote(short(line.product.name(lang), NAME_SHOWN)), quantity=line.quantity,
               price=cash(line.product.price), amount=cash(line.amount)) for line in shown]
    if len(cart.lines) > len(shown):
        lines.append(t("cart-more", count=len(cart.lines) - len(shown)))
    rows: list[list[Button]] = [
        [(f"➖ {short(line.product.name(lang), 24)}", ShopCb(action=ShopAction.dec, id=line.product.id, page=page)),
         ("➕", ShopCb(action=ShopAction.inc, id=line.product.id, page=page)),
         ("🗑", ShopCb(action=ShopAction.remove, id=line.product.id, page=page))]
        for line in shown
    ]
    if cart.lines:
        rows.append([(t("cart-btn-checkout"), CheckoutCb(action=CheckoutAction.start))])
        text = t("cart-title", count=cart.count) + "\n\n" + "\n".join(lines) + "\n\n" + t("cart-total",
                                                                                          total=cash(cart.total))
    else:
        text = t("cart-title", count=0) + "\n\n" + t("cart-empty")
    rows.append([(t("cart-btn-shop"), ShopCb(action=ShopAction.list, page=page)),
                 (t("btn-home"), MenuCb(action=MenuAction.home))])
    return text, keyboards.inline(rows)


async def cart_command(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, lang: str,
                       policy: ShopPolicy) -> None:
    text, markup = cart_view(t, await orders.cart(uow, member.id), lang, policy, 0)
    await message.answer(text, reply_markup=markup)


async def cart_button(callback: CallbackQuery, callback_data: ShopCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, lang: str, policy: ShopPolicy) -> None:
    text, markup = cart_view(t, await orders.cart(uow, member.id), lang, policy, callback_data.page)
    await replies.show(callback, text, markup)


async def change_button(callback: CallbackQuery, callback_data: ShopCb, uow: UnitOfWork, member: MemberView,
                        t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """➕ / ➖ / 🗑 on a cart line, then the cart again (a refused change says why and leaves it)."""
    try:
        if callback_data.action == ShopAction.remove:
            await orders.remove_from_cart(uow, member.id, callback_data.id)
        else:
            delta = 1 if callback_data.action == ShopAction.inc else -1
            await orders.change_quantity(uow, member.id, callback_data.id, delta)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    text, markup = cart_view(t, await orders.cart(uow, member.id), lang, policy, callback_data.page)
    await replies.show(callback, text, markup)


def create_router() -> Router:
    router = Router(name="shop")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(*actions: ShopAction) -> object:
        return ShopCb.filter(F.action.in_(actions))

    router.message.register(shop_command, Command("shop"))
    router.message.register(cart_command, Command("cart"))
    router.callback_query.register(shop_button, MenuCb.filter(F.action == MenuAction.shop))
    router.callback_query.register(catalog_page, on(ShopAction.list))
    router.callback_query.register(show_product, on(ShopAction.product))
    router.callback_query.register(add_button, on(ShopAction.add))
    router.callback_query.register(cart_button, on(ShopAction.cart))
    router.callback_query.register(change_button, on(ShopAction.inc, ShopAction.dec, ShopAction.remove))
    return router
