"""Under load: a burst of members at one dialog step, no transaction held while Telegram or bcrypt
answers, and one FSM write per dialog step."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from sandbox.emulator import SimUser
from services import passwords
from tests.conftest import BotEnv
from tests.texts import shown, t

BURST = 200


async def at_login_step(user: SimUser) -> None:
    """Open the login dialog: the bot now waits for a login name (a dialog step with its FSM write)."""
    await user.send("/start")
    home = await user.expect_message(timeout=60)
    await user.press(home, t("btn-login"), timeout=60)
    await user.wait_for(lambda: shown("login-ask-identifier") in (user.messages[-1].text or ""), timeout=60)
    user._cursor = len(user.messages)  # noqa: SLF001 - the answers that follow are what this test reads


async def test_a_burst_of_two_hundred_members_at_one_dialog_step_is_answered_without_errors(bot_env: BotEnv) -> None:
    users = [bot_env.new_user() for _ in range(BURST)]
    for start in range(0, BURST, 50):
        await asyncio.gather(*(at_login_step(user) for user in users[start:start + 50]))
    await asyncio.gather(*(user.send(f"someone{i}") for i, user in enumerate(users)))
    answers = await asyncio.gather(*(user.expect_message(timeout=60) for user in users))
    assert [answer.text for answer in answers] == [shown("login-ask-password")] * BURST
    assert not [error for error in bot_env.emulator.errors], bot_env.emulator.errors[:3]


@contextmanager
def fsm_writes(bot_env: BotEnv, user: SimUser) -> Iterator[list[str]]:
    """Statements the bot sends that write this user's dialog state (SQL storage)."""
    writes: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        mine = f":{user.id}:" in str(parameters)
        if mine and "fsm_states" in statement and not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    engine = bot_env.app.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_a_dialog_step_writes_its_state_once(bot_env: BotEnv, user: SimUser) -> None:
    await at_login_step(user)
    with fsm_writes(bot_env, user) as writes:
        await user.send("someone")  # stores the name and moves to the password step
        assert (await user.expect_message()).text == shown("login-ask-password")
        await user.wait_for(lambda: len(writes) >= 1)
    assert len(writes) == 1, writes


@pytest.fixture
async def idle_in_transaction(bot_env: BotEnv, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """PostgreSQL: what the bot's connections are doing whenever it waits on Telegram or bcrypt.

    Records every connection of the bot's database seen "idle in transaction" at those moments.
    """
    url = make_url(bot_env.settings.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("pg_stat_activity is PostgreSQL's")
    observer = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    seen: list[str] = []

    async def look(moment: str) -> None:
        rows = await observer.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        )
        seen.extend(f"{moment}: {row['query']}" for row in rows)

    emulator, execute, check = bot_env.emulator, bot_env.emulator.execute, passwords.check_password

    async def telegram(method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method != "getUpdates":  # the long poll runs beside the handlers; handlers' own calls count
            await look(f"Telegram {method}")
        return await execute(method, params)

    async def bcrypt(password: str, hashed: str) -> bool:
        await look("bcrypt")
        return await check(password, hashed)

    monkeypatch.setattr(emulator, "execute", telegram)
    monkeypatch.setattr(passwords, "check_password", bcrypt)
    yield seen
    await observer.close()


async def test_no_transaction_stays_open_while_the_bot_waits_on_telegram_or_bcrypt(
    bot_env: BotEnv, member: SimUser, idle_in_transaction: list[str]
) -> None:
    for command in ("/start", "/points", "/checkin", "/profile", "/checkin"):
        await member.send(command)
        await member.expect_message()
    await member.send("/password")
    await member.expect_message()
    await member.send("wrong-old-password")  # bcrypt, then a failure record, then the answer
    await member.expect_message()
    assert idle_in_transaction == []
