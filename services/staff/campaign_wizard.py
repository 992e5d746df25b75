"""The campaign creation wizard as data: one step per CampaignSpec field, its parser, when it is asked.

Pure functions over a dict of answers (JSON-able, so the dialog state can keep it): the bot asks
`next_step`, parses each answer with `parse` (InvalidInput says what is wrong, and the step is
asked again), and `spec_of` turns the answers into the CampaignSpec that `checked` validates.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from services.coupons.rules import CHANNELS, KINDS, normalise_code
from services.coupons.staff import CampaignSpec
from services.errors import InvalidInput

CODE = re.compile(r"^[a-z0-9_-]{1,32}$")
NAME_MAX = 100
NUMBER_MAX = 1_000_000_000

Answers = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """`kind`: text, code, redeem, money, percent, count, date, choice, tier, bool."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    optional: bool = False
    when: Callable[[Answers], bool] = lambda answers: True


STEPS: tuple[Step, ...] = (
    Step("code", "code"),
    Step("name_zh", "text"),
    Step("name_en", "text"),
    Step("kind", "choice", KINDS),
    Step("channel", "choice", CHANNELS),
    Step("amount_off", "money", when=lambda a: a.get("kind") == "amount_off"),
    Step("percent_off", "percent", when=lambda a: a.get("kind") == "percent_off"),
    Step("max_discount", "money", optional=True, when=lambda a: a.get("kind") == "percent_off"),
    Step("min_spend", "money", optional=True),
    Step("starts_at", "date", optional=True),
    Step("ends_at", "date", optional=True),
    Step("valid_days", "count", optional=True),
    Step("stock", "count", optional=True),
    Step("per_member_limit", "count", optional=True),
    Step("points_price", "count", when=lambda a: a.get("channel") == "points"),
    Step("redeem_code", "redeem", when=lambda a: a.get("channel") == "code"),
    Step("min_tier", "tier", optional=True),
    Step("giftable", "bool", ("yes", "no")),
)
BY_NAME = {step.name: step for step in STEPS}


def next_step(current: str | None, answers: Answers) -> Step | None:
    """The first step after `current` (None: the first step) that applies to the answers so far."""
    start = 0 if current is None else [step.name for step in STEPS].index(current) + 1
    return next((step for step in STEPS[start:] if step.when(answers)), None)


def parse(step: Step, text: str, *, currency: str, tz: ZoneInfo, tiers: tuple[str, ...] = ()) -> Any:
    """A typed (or chosen) answer as the JSON-able value the answers keep."""
    text = (text or "").strip()
    if step.kind == "text":
        if not text or len(text) > NAME_MAX:
            raise InvalidInput("admin-cw-text-invalid", max=NAME_MAX)
        return text
    if step.kind == "code":
        if not CODE.match(text.lower()):
            raise InvalidInput("admin-cw-code-invalid")
        return text.lower()
    if step.kind == "redeem":
        return normalise_code(text)
    if step.kind == "money":
        return money(text, currency)
    if step.kind in ("percent", "count"):
        return _number(text, 1, 100 if step.kind == "percent" else NUMBER_MAX)
    if step.kind == "date":
        return _date(text, tz, end=step.name == "ends_at")
    choices = tiers if step.kind == "tier" else step.choices
    if text not in choices:
        raise InvalidInput("admin-cw-choice-invalid")
    return text == "yes" if step.kind == "bool" else text


def check_against(step: Step, value: Any, answers: Answers) -> None:
    """An answer that contradicts an earlier one: an end before the start."""
    if step.name == "ends_at" and answers.get("starts_at") and (
        datetime.fromisoformat(value) <= datetime.fromisoformat(answers["starts_at"])
    ):
        raise InvalidInput("admin-cw-end-before-start")


def skip(step: Step, answers: Answers) -> None:
    """A skipped optional step keeps the spec's default; a coupon still needs an end (a date or days)."""
    if not step.optional:
        raise InvalidInput("admin-cw-required")
    if step.name == "valid_days" and not answers.get("ends_at"):
        raise InvalidInput("admin-cw-needs-end")


def money(text: str, currency: str) -> int:
    """"12.50" in the currency's major unit → 1250 minor units (exact, Decimal)."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as error:
        raise InvalidInput("admin-cw-money-invalid") from error
    minor = value.scaleb(get_currency_precision(currency))
    if not value.is_finite() or minor != minor.to_integral_value() or minor < 0 or minor > NUMBER_MAX:
        raise InvalidInput("admin-cw-money-invalid")
    return int(minor)


def _number(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput("admin-cw-number-invalid", low=low, high=high)
    return int(text)


def _date(text: str, tz: ZoneInfo, *, end: bool) -> str:
    """YYYY-MM-DD in the shop's zone: a start at the day's beginning, an end at the next day's beginning."""
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput("admin-cw-date-invalid") from error
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=tz)
    return moment.isoformat()


def spec_of(answers: Answers) -> CampaignSpec:
    known = {field.name for field in fields(CampaignSpec)}
    values = {name: value for name, value in answers.items() if name in known}
    for name in ("starts_at", "ends_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    return CampaignSpec(**values)
