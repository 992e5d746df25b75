"""Bring a database to the latest Alembic revision from inside the application, in a checkout or installed."""

from importlib.util import find_spec
from pathlib import Path

from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command

CHECKOUT = Path(__file__).resolve().parent.parent
# pyproject.toml installs alembic/ under this name: an installed "alembic" would shadow the library.
INSTALLED_SCRIPTS = "member_bot_migrations"
MIGRATION_LOCK = 0x6D62_6D67  # "mbmg": the advisory lock key that serialises migrations on PostgreSQL


def script_location() -> Path:
    """The repository's alembic/ when running from a checkout, else the installed copy of it."""
    if (CHECKOUT / "alembic.ini").is_file():
        return CHECKOUT / "alembic"
    spec = find_spec(INSTALLED_SCRIPTS)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"no migration scripts: neither {CHECKOUT / 'alembic'} nor package {INSTALLED_SCRIPTS}")
    return Path(next(iter(spec.submodule_search_locations)))


def alembic_config(url: str | None = None) -> Config:
    """Built in code, so an installed bot needs no alembic.ini (that file is for the alembic CLI)."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Runs the migrations on the application's own engine (alembic/env.py reuses the connection)."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers start at once: one migrates, the others wait, then find the head.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(_upgrade)
