"""/admin → catalog (admins): products paged (active and inactive), a product card, the add dialog, field edits.

The add dialog asks the names, the price ("12.50", in the currency's major unit), the stock, the
category, an optional SKU and an optional photo (sent as a Telegram photo: its largest size is
kept); a bad answer is explained and the same question asked again. Every change goes through
services/staff/catalog.py, which checks the role and writes the audit row in one transaction.
"""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import CatalogAction as Act
from bot.callbacks import CatalogCb
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, money, quote
from handlers.admin import refuse, to_menu
from handlers.shop import short
from services.errors import DomainError
from services.orders.catalog import ProductSpec
from services.policy import ShopPolicy
from services.staff import catalog as staff_catalog
from services.staff.catalog import FIELDS, ProductView
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 8
STEPS = (*FIELDS, "photo")
OPTIONAL = ("sku", "photo")


class ProductForm(StatesGroup):
    add = State()
    edit = State()


# --- the list and the card -----------------------------------------------------------------------

async def list_view(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, t: Translator, lang: str,
                    page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await staff_catalog.page(uow, policy, staff_id, page, PAGE_SIZE)
    rows: list[list[Button]] = [
        [(t("admin-product-line", name=short(item.name(lang), 40), price=money(item.price, policy.currency, lang),
            stock=item.stock, state=t("admin-product-on" if item.active else "admin-product-off")),
          CatalogCb(action=Act.show, id=item.id, page=found.page))]
        for item in found.items
    ]
    rows.append(keyboards.pager(t, found.page, found.pages, lambda n: CatalogCb(action=Act.list, page=n)))
    rows.append([(t("admin-btn-product-new"), CatalogCb(action=Act.new)), *to_menu(t)])
    body = t("admin-catalog", page=found.page + 1, pages=found.pages) if found.items else t("admin-catalog-empty")
    return body, keyboards.inline(rows)


def card_view(t: Translator, lang: str, policy: ShopPolicy, product: ProductView,
              page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    text = t("admin-product-card", id=str(product.id), name_zh=quote(product.name_zh), name_en=quote(product.name_en),
             price=money(product.price, policy.currency, lang), stock=product.stock, category=quote(product.category),
             sku=quote(product.sku or "-"), photo=t("admin-product-photo-yes" if product.photo else "admin-product-photo-no"),
             state=t("admin-product-on" if product.active else "admin-product-off"))

    def edit(field: str) -> Button:
        return t(f"admin-product-field-{field}"), CatalogCb(action=Act.edit, id=product.id, page=page, field=field)

    toggle = (t("admin-btn-product-off" if product.active else "admin-btn-product-on"),
              CatalogCb(action=Act.toggle, id=product.id, page=page, field="0" if product.active else "1"))
    rows = [[edit("price"), edit("stock")], [edit("name_zh"), edit("name_en")], [edit("category"), edit("sku")],
            [edit("photo"), toggle], [(t("admin-btn-catalog"), CatalogCb(action=Act.list, page=page)), *to_menu(t)]]
    return text, keyboards.inline(rows)


async def list_button(callback: CallbackQuery, callback_data: CatalogCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    try:
        text, markup = await list_view(uow, policy, callback.from_user.id, t, lang, callback_data.page)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, text, markup)


async def show_button(callback: CallbackQuery, callback_data: CatalogCb, state: FSMContext, uow: UnitOfWork,
                      t: Translator, lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.clear()
    try:
        product = await staff_catalog.product(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    await replies.show(callback, *card_view(t, lang, policy, product, callback_data.page))


async def toggle_button(callback: CallbackQuery, callback_data: CatalogCb, uow: UnitOfWork, t: Translator,
                        lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """The button names the wanted state, so a double tap changes nothing the second time."""
    try:
        product, changed = await staff_catalog.update(uow, policy, callback.from_user.id, callback_data.id, "active",
                                                      callback_data.field == "1")
    except DomainError as error:
        await refuse(callback, callback_answer, t, error, policy)
        return
    callback_answer.text = t("admin-product-saved") if changed else t("admin-no-change")
    await replies.show(callback, *card_view(t, lang, policy, product, callback_data.page))


# --- the add dialog ------------------------------------------------------------------------------

def question(t: Translator, policy: ShopPolicy, step: str) -> tuple[str, InlineKeyboardMarkup]:
    nav: list[Button] = [(t("btn-skip"), CatalogCb(action=Act.skip))] if step in OPTIONAL else []
    nav.append((t("btn-cancel"), CatalogCb(action=Act.cancel)))
    return t(f"admin-product-ask-{step.replace('_', '-')}", currency=policy.currency), keyboards.inline([nav])


async def new_button(callback: CallbackQuery, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    await state.set_state(ProductForm.add)
    await state.set_data({"step": STEPS[0], "answers": {}})
    text, markup = question(t, policy, STEPS[0])
    await replies.remember_prompt(state, await replies.show(callback, f"{t('admin-product-new')}\n\n{text}", markup))


async def _next(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str, policy: ShopPolicy,
                answers: dict, step: str, edit: CallbackQuery | None = None) -> None:
    """Ask the step after `step`, or create the product after the last one."""
    if step != STEPS[-1]:
        following = STEPS[STEPS.index(step) + 1]
        await state.update_data(step=following, answers=answers)
        text, markup = question(t, policy, following)
        if edit is not None:
            await replies.remember_prompt(state, await replies.show(edit, text, markup))
        else:
            await replies.prompt(message, state, text, markup)
        return
    spec = ProductSpec(answers["name_zh"], answers["name_en"], answers["price"], answers["stock"],
                       category=answers["category"], sku=answers.get("sku"), photo=answers.get("photo"))
    try:
        product = await staff_catalog.add(uow, policy, message.chat.id, spec)  # a private chat: the staff member
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:  # a taken SKU: asked again, the other answers stay
        await state.update_data(step="sku", answers=answers)
        await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{question(t, policy, 'sku')[0]}",
                             question(t, policy, "sku")[1])
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = card_view(t, lang, policy, product)
    await message.answer(f"{t('admin-product-created')}\n\n{text}", reply_markup=markup)


async def add_typed(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                    policy: ShopPolicy) -> None:
    data = await state.get_data()
    step, answers = data["step"], dict(data["answers"])
    if step == "photo":
        await replies.prompt(message, state, t("admin-product-photo-expected"), question(t, policy, step)[1])
        return
    try:
        answers[step] = staff_catalog.parse_field(step, message.text, policy.currency)
    except DomainError as error:
        text, markup = question(t, policy, step)
        await replies.prompt(message, state, f"{error_text(t, error, policy.tz)}\n\n{text}", markup)
        return
    await _next(message, state, uow, t, lang, policy, answers, step)


async def add_photo(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                    policy: ShopPolicy) -> None:
    data = await state.get_data()
    step, answers = data["step"], dict(data["answers"])
    if step != "photo":
        await replies.prompt(message, state, t("admin-send-text"), question(t, policy, step)[1])
        return
    answers["photo"] = message.photo[-1].file_id  # the largest size
    await _next(message, state, uow, t, lang, policy, answers, step)


async def other_content(message: Message, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    """A file, sticker or the like in the dialog: say what is wanted; the question stays open."""
    data = await state.get_data()
    step = data.get("step") or data.get("field")
    key = "admin-product-photo-expected" if step == "photo" else "admin-send-text"
    await message.answer(f"{t(key)}\n\n{question(t, policy, step)[0]}" if step in STEPS else t(key))


async def skip_button(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                      policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    data = await state.get_data()
    step = data.get("step")
    if step not in OPTIONAL:
        callback_answer.text = t("button-expired")
        return
    await _next(callback.message, state, uow, t, lang, policy, dict(data["answers"]), step, edit=callback)


async def cancel_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    back = keyboards.inline([[(t("admin-btn-catalog"), CatalogCb(action=Act.list)), *to_menu(t)]])
    await replies.show(callback, t("cancelled"), back)


# --- editing one field ---------------------------------------------------------------------------

async def edit_button(callback: CallbackQuery, callback_data: CatalogCb, state: FSMContext, t: Translator,
                      policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    if callback_data.field not in STEPS:
        callback_answer.text = t("button-expired")
        return
    await state.set_state(ProductForm.edit)
    await state.set_data({"product": callback_data.id, "field": callback_data.field, "page": callback_data.page})
    back = keyboards.inline([[(t("btn-cancel"), CatalogCb(action=Act.show, id=callback_data.id,
                                                           page=callback_data.page))]])
    text = question(t, policy, callback_data.field)[0]
    await replies.remember_prompt(state, await replies.show(callback, text, back))


async def edit_answer(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator, lang: str,
                      policy: ShopPolicy) -> None:
    data = await state.get_data()
    field, product_id = data["field"], data["product"]
    back = keyboards.inline([[(t("btn-cancel"), CatalogCb(action=Act.show, id=product_id, page=data["page"]))]])
    try:
        if field == "photo":
            if not message.photo:
                await replies.prompt(message, state, t("admin-product-photo-expected"), back)
                return
            value = message.photo[-1].file_id
        else:
            value = staff_catalog.parse_field(field, message.text if not message.photo else None, policy.currency)
        product, changed = await staff_catalog.update(uow, policy, message.from_user.id, product_id, field, value)
    except StaffOnly:
        await state.clear()
        return
    except DomainError as error:
        text = f"{error_text(t, error, policy.tz)}\n\n{question(t, policy, field)[0]}"
        await replies.prompt(message, state, text, back)
        return
    await replies.close_prompt(message, state)
    await state.clear()
    text, markup = card_view(t, lang, policy, product, data["page"])
    notice = t("admin-product-saved") if changed else t("admin-no-change")
    await message.answer(f"{notice}\n\n{text}", reply_markup=markup)


def create_router() -> Router:
    router = Router(name="admin_catalog")
    admin = IsStaff(Role.admin)

    def on(*actions: Act) -> object:
        return CatalogCb.filter(F.action.in_(set(actions)))

    router.callback_query.register(list_button, on(Act.list), admin)
    router.callback_query.register(show_button, on(Act.show), admin)
    router.callback_query.register(toggle_button, on(Act.toggle), admin)
    router.callback_query.register(new_button, on(Act.new), admin)
    router.callback_query.register(skip_button, on(Act.skip), ProductForm.add, admin)
    router.callback_query.register(cancel_button, on(Act.cancel), admin)
    router.callback_query.register(edit_button, on(Act.edit), admin)
    router.message.register(add_photo, ProductForm.add, F.photo, admin)
    router.message.register(add_typed, ProductForm.add, F.text, ~F.text.startswith("/"), admin)
    router.message.register(edit_answer, ProductForm.edit, F.photo | (F.text & ~F.text.startswith("/")), admin)
    router.message.register(other_content, ProductForm.add, ~F.text, ~F.photo, admin)
    router.message.register(other_content, ProductForm.edit, ~F.text, ~F.photo, admin)
    return router
