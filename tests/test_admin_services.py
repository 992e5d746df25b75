"""The staff tools' rules without Telegram: the campaign wizard's answers, member lookups, roles in each use case."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.members import Member
from models.staff import AuditRecord
from services import accounts
from services.coupons.staff import checked
from services.errors import InvalidInput
from services.policy import ShopPolicy
from services.staff import campaign_wizard as wizard
from services.staff import members as staff_members
from services.staff import points as staff_points
from services.staff import roles
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id, unique

SHANGHAI = ZoneInfo("Asia/Shanghai")


def answer(name: str, text: str) -> object:
    return wizard.parse(wizard.BY_NAME[name], text, currency="CNY", tz=SHANGHAI, tiers=("normal", "gold"))


def test_wizard_answers_are_parsed_exactly_or_refused_with_a_reason() -> None:
    assert answer("amount_off", "9.90") == 990 and answer("min_spend", "1,000") == 100_000
    assert answer("ends_at", "2027-01-31") == datetime(2027, 2, 1, tzinfo=SHANGHAI).isoformat()
    assert answer("giftable", "no") is False and answer("min_tier", "gold") == "gold"
    for name, text, code in [("amount_off", "9.999", "admin-cw-money-invalid"), ("amount_off", "-1", "admin-cw-money-invalid"),
                             ("percent_off", "101", "admin-cw-number-invalid"), ("code", "Has Space", "admin-cw-code-invalid"),
                             ("kind", "half_price", "admin-cw-choice-invalid"), ("min_tier", "platinum", "admin-cw-choice-invalid"),
                             ("starts_at", "31/01/2027", "admin-cw-date-invalid"), ("name_zh", "x" * 101, "admin-cw-text-invalid")]:
        with pytest.raises(InvalidInput) as refused:
            answer(name, text)
        assert refused.value.code == code, (name, text)


def test_wizard_asks_only_what_applies_and_its_result_passes_the_campaign_check() -> None:
    answers: dict = {}
    asked = []
    replies = {"code": "spring", "name_zh": "春", "name_en": "Spring", "kind": "percent_off", "channel": "points",
               "percent_off": "15", "max_discount": "20", "min_spend": "100", "ends_at": "2027-03-31",
               "points_price": "200", "giftable": "yes"}
    step = wizard.next_step(None, answers)
    while step is not None:
        asked.append(step.name)
        if step.name in replies:
            answers[step.name] = answer(step.name, replies[step.name])
        else:
            wizard.skip(step, answers)
        step = wizard.next_step(step.name, answers)
    assert "amount_off" not in asked and "redeem_code" not in asked and "points_price" in asked
    spec = checked(wizard.spec_of(answers))
    assert (spec.percent_off, spec.max_discount, spec.points_price, spec.valid_days) == (15, 2000, 200, None)
    with pytest.raises(InvalidInput):
        wizard.skip(wizard.BY_NAME["valid_days"], {})  # no last day and no days: the coupon would never end
    with pytest.raises(InvalidInput):
        wizard.check_against(wizard.BY_NAME["ends_at"], answer("ends_at", "2027-01-01"),
                             {"starts_at": answer("starts_at", "2027-02-01")})


def test_a_query_names_a_member_by_number_username_phone_or_telegram_id() -> None:
    assert staff_members.lookups("m000123") == [("id", 123), ("username", "m000123")]
    assert staff_members.lookups("@Alice") == [("username", "alice")]
    assert staff_members.lookups("+8613800138000") == [("phone", "+8613800138000")]
    assert staff_members.lookups("13800138000") == [("telegram_id", 13800138000), ("phone", "+8613800138000")]
    with pytest.raises(InvalidInput):
        staff_members.lookups("  ")


async def test_each_use_case_checks_the_role_in_its_transaction(uow: UnitOfWork, probe: Probe) -> None:
    owner, operator = next_telegram_id(), next_telegram_id()
    policy = ShopPolicy(owners=frozenset({owner}))
    await roles.grant(uow, policy, owner, operator, Role.operator)
    name = unique("m")
    member = await accounts.create_account(uow, name, "pass-word-1", f"{name}@example.com", None, rounds=4)
    assert (await staff_members.find(uow, policy, operator, name.upper())).id == member.id
    digits = f"m{next_telegram_id():08d}"  # a username that reads like a member number nobody has
    lookalike = await accounts.create_account(uow, digits, "pass-word-1", f"{digits}@example.com", None, rounds=4)
    assert (await staff_members.find(uow, policy, operator, digits.upper())).id == lookalike.id
    for attempt in (
        staff_points.adjust(uow, policy, operator, member.id, 10, "why", unique("k")),
        staff_members.set_blocked(uow, policy, operator, member.id, True),
        staff_members.login_link(uow, policy, operator, member.id),
        staff_members.find(uow, policy, next_telegram_id(), name),
    ):
        with pytest.raises(StaffOnly):
            await attempt
    assert await probe.scalar(select(Member.status).where(Member.id == member.id)) == "active"
    assert await probe.scalar(select(func.count()).where(AuditRecord.member_id == member.id)) == 0
    assert await staff_members.set_blocked(uow, policy, owner, member.id, True) is True
    assert await staff_members.set_blocked(uow, policy, owner, member.id, True) is False  # already: no second row
    assert await probe.scalar(select(func.count()).where(AuditRecord.member_id == member.id)) == 1
