"""/stats and /export through the fake Telegram: the owner gets the figures, two PNG charts by sendPhoto
and CSV files by sendDocument; the files parse and match the database."""

import csv
import io

from PIL import Image
from sqlalchemy import func, select

from models.members import Member
from models.orders import Order
from models.points import PointsLedger
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import charts
from tests.conftest import OWNER_ID, BotEnv
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "stats_chart_days": 14}


def owner(bot_env: BotEnv) -> SimUser:
    user = bot_env.emulator.user(user_id=OWNER_ID, first_name="Owner", language_code="zh-hans", username="owner")
    user.open_chat()
    return user


async def test_stats_sends_the_figures_and_two_charts(bot_env: BotEnv, member: SimUser) -> None:
    boss = owner(bot_env)
    await boss.send("/stats")
    figures = await boss.expect_message()
    assert says(figures.text, "stats-title", time=ANY) and shown("stats-note") in figures.text
    assert says(figures.text, "stats-members", total=1, new7=1, new30=1, active7=ANY, active30=ANY)
    for title in (t("stats-chart-members", days=14), t("stats-chart-points", days=14),
                  t("stats-chart-revenue", days=14)):
        chart = await boss.expect_message()
        assert chart.kind == "photo" and chart.text == title
        with Image.open(io.BytesIO(chart.photo)) as image:
            assert image.format == "PNG" and image.size == charts.SIZE_PX
    assert says(figures.text, "stats-orders", orders=0, orders_7=0, orders_30=0, revenue_money=ANY,
                revenue_30_money=ANY, average_30_money=ANY, refunds_30=0, refunded_30_money=ANY)


async def test_export_sends_csv_documents_that_match_the_database(bot_env: BotEnv, member: SimUser) -> None:
    boss = owner(bot_env)
    await boss.send("/export")
    menu = await boss.expect_message()
    assert menu.text == shown("export-choose")
    for what, model in (("members", Member), ("ledger", PointsLedger), ("orders", Order)):
        await boss.press(menu, t(f"export-btn-{what}"))
        document = await boss.expect_message()
        count = await bot_env.probe.scalar(select(func.count()).select_from(model))
        assert document.kind == "document" and document.document_name.startswith(f"{what}-")
        assert document.text == shown("export-done", what=t(f"export-name-{what}"), rows=count)
        rows = list(csv.DictReader(io.StringIO(document.document.decode("utf-8-sig"))))
        assert len(rows) == count
    usernames = await bot_env.probe.scalars(select(Member.username).order_by(Member.id))
    members_file = boss.messages[-3].document.decode("utf-8-sig")
    assert [row["username"] for row in csv.DictReader(io.StringIO(members_file))] == usernames
    assert "password" not in members_file.splitlines()[0]
    exported = await bot_env.probe.scalars(select(AuditRecord.action).where(AuditRecord.actor_id == OWNER_ID,
                                                                            AuditRecord.action.like("export.%")))
    assert exported == ["export.members", "export.ledger", "export.orders"]
