"""Wiring that every feature relies on: migrations match the models, texts match across languages,
logs carry no personal data, settings parse as documented."""

import logging
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.i18n import LANGUAGES, message_ids
from bot.logs import PersonalDataFilter, mask_personal_data
from models import Base

ROOT = Path(__file__).resolve().parent.parent


async def test_migrations_produce_exactly_the_models_schema(engine: AsyncEngine) -> None:
    """The `engine` fixture migrated this database (SQLite and PostgreSQL) to head."""

    def differences(connection: object) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []


def test_every_text_exists_in_every_language() -> None:
    keys = {language: message_ids(language) for language in LANGUAGES}
    for language, ids in keys.items():
        assert ids == keys["zh"], f"{language} differs: {sorted(ids ^ keys['zh'])}"


def test_handlers_hold_no_inline_user_texts() -> None:
    """User-visible strings live in bot/locales; handlers pass keys."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for path in (ROOT / "handlers").glob("*.py"):
        assert not cjk.search(path.read_text(encoding="utf-8")), path.name


def test_logs_mask_phones_and_emails(caplog: object) -> None:
    assert mask_personal_data("call +8613812345678 or 13812345678") == "call ***5678 or ***5678"
    assert mask_personal_data("mail alice.smith@example.com now") == "mail a***@example.com now"
    assert mask_personal_data("update 123456789 from user 42") == "update 123456789 from user 42"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "member %s registered", ("bob@example.org",), None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "member b***@example.org registered"


def test_settings_parse_owner_ids_and_zone() -> None:
    settings = Settings(_env_file=None, owner_ids="1, 2;3", timezone="Europe/Berlin")
    assert settings.owner_ids == [1, 2, 3] and settings.tz.key == "Europe/Berlin"


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_money_is_exact_and_follows_the_currency() -> None:
    from bot.render import money

    assert money(12345, "CNY", "zh") == "¥123.45"
    assert money(-5, "USD", "en") == "-$0.05"
    assert money(500, "JPY", "en") == "¥500"  # no minor unit
    assert money(10**15 + 1, "CNY", "en").endswith(".01")  # no float rounding on large sums


def test_info_logs_have_no_line_per_update_or_answered_callback() -> None:
    from bot.logs import setup_logging

    setup_logging("INFO")
    try:
        for chatty in ("aiogram.middlewares", "aiogram.event"):  # "Answer to callback query id=...", "Update id=..."
            assert not logging.getLogger(chatty).isEnabledFor(logging.INFO), chatty
        assert logging.getLogger("aiogram.dispatcher").isEnabledFor(logging.INFO)  # start and stop still show
    finally:
        logging.getLogger().handlers.clear()
