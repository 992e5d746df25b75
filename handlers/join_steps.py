"""The join dialog's steps and how each question looks (PRODUCT.md 1.1); the dialog is handlers/registration.py."""

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot import keyboards
from bot.callbacks import FlowAction, FlowCb
from bot.config import Settings
from bot.i18n import Translator
from bot.render import quote


class RegistrationForm(StatesGroup):
    """Every question of the join dialog; which ones are asked depends on JOIN_MODE."""

    privacy = State()
    marketing = State()
    username = State()
    password = State()
    email = State()
    phone = State()
    address = State()
    birthday = State()
    confirm = State()
    choose_field = State()


F_ = RegistrationForm
# Consent always comes first; quick join then needs only the phone number (PRODUCT.md 1.1).
QUICK_STEPS: list[State] = [F_.privacy, F_.marketing, F_.phone]
FULL_STEPS: list[State] = [F_.privacy, F_.marketing, F_.username, F_.password, F_.email, F_.phone, F_.address, F_.birthday, F_.confirm]
TYPED_STEPS = (F_.username, F_.password, F_.email, F_.phone, F_.address, F_.birthday)
EDITABLE = ("username", "password", "email", "phone", "address", "birthday", "marketing")


def name(state: State) -> str:
    return state.state.split(":", 1)[1]


def step(field: str) -> State:
    return getattr(RegistrationForm, field)


def steps(settings: Settings) -> list[State]:
    return QUICK_STEPS if settings.join_mode == "quick" else FULL_STEPS


def question(t: Translator, current: State, data: dict, settings: Settings) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    """A step's question and its keyboard; questions show their place ("2/3") except when editing one field."""
    field = name(current)
    if field == "confirm":
        return summary(t, data), keyboards.inline(
            [[(t("btn-confirm"), FlowCb(action=FlowAction.confirm)), (t("btn-edit"), FlowCb(action=FlowAction.edit))],
             [(t("btn-cancel"), FlowCb(action=FlowAction.cancel))]]
        )
    if field == "choose_field":
        rows = [[(t(f"field-{f}"), FlowCb(action=FlowAction.field, value=f)) for f in EDITABLE[i:i + 2]] for i in range(0, len(EDITABLE), 2)]
        rows.append([(t("btn-back"), FlowCb(action=FlowAction.back))])
        return t("reg-choose-field"), keyboards.inline(rows)
    text = t(f"reg-ask-{field}", url=quote(settings.privacy_policy_url))
    questions = [state for state in steps(settings) if state != F_.confirm]
    if current in questions and not data.get("editing"):
        text = f"{t('reg-progress', n=questions.index(current) + 1, total=len(questions))}\n{text}"
    if field == "phone":
        return text, keyboards.share_phone(t)
    if field == "privacy":
        return text, keyboards.inline([[(t("btn-accept"), FlowCb(action=FlowAction.accept))],
                                       [(t("btn-decline"), FlowCb(action=FlowAction.decline))]])
    actions = {"marketing": (FlowAction.yes, FlowAction.no), "address": (FlowAction.skip,), "birthday": (FlowAction.skip,)}
    return text, keyboards.flow(t, *actions.get(field, ()))


def summary(t: Translator, data: dict) -> str:
    """The member's own answers, unmasked: they are checking what they typed (masking is for logs and staff)."""
    return t(
        "reg-summary",
        username=quote(data.get("username")),
        email=quote(data.get("email")),
        phone=quote(data.get("phone")),
        address=quote(data.get("address") or t("value-none")),
        birthday=data.get("birthday") or t("value-none"),
        marketing=t("value-yes") if data.get("marketing") else t("value-no"),
    )
