"""Several webhook workers on one PostgreSQL database and one Redis: updates once, dialogs shared, one leader."""

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import BotApp
from bot.config import Settings
from bot.leader import Leadership, PostgresLock
from models.database import Database
from models.runtime import ProcessedUpdate
from sandbox.emulator import SimUser, TelegramEmulator
from tests.conftest import (
    REDIS_TEST_URL,
    TEST_TOKEN,
    _create_postgres_database,
    _require_redis,
    next_telegram_id,
    service_unavailable,
    unique,
)
from tests.texts import shown, t

ROOT = Path(__file__).resolve().parent.parent
SECRET = "scale-out-secret"
_update_ids = itertools.count(1)
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
async def postgres_url() -> AsyncIterator[str]:
    try:
        url, drop = await _create_postgres_database()
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        service_unavailable("PostgreSQL", error)
    await _require_redis(REDIS_TEST_URL)
    yield url
    await drop()


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator(token=TEST_TOKEN, validate=True)
    await emulator.start(host="127.0.0.1", port=0)
    # The tests share one database, whose update log would take a repeated update id for a duplicate.
    emulator.updates.start_after(next(_update_ids) * 1_000_000)
    yield emulator
    await emulator.stop()


def worker_settings(emulator: TelegramEmulator, database_url: str, port: int, leader_key: str) -> dict:
    return {
        "bot_token": TEST_TOKEN, "telegram_api_base": emulator.api_base, "database_url": database_url,
        "redis_url": REDIS_TEST_URL, "bcrypt_rounds": 4, "flood_burst": 10_000, "log_level": "WARNING",
        "webhook_url": f"http://127.0.0.1:{port}/telegram/webhook", "webhook_secret": SECRET,
        "webhook_host": "127.0.0.1", "webhook_port": port, "leader_key": leader_key, "leader_ttl_seconds": 5,
    }


@pytest.fixture
async def workers(emulator: TelegramEmulator, postgres_url: str) -> AsyncIterator[list[BotApp]]:
    """Two bot processes' worth of BotApp, each with its own port, sharing the database and Redis."""
    key = unique("leader")
    apps = [BotApp(Settings(_env_file=None, **worker_settings(emulator, postgres_url, _free_port(), key)))
            for _ in range(2)]
    try:
        for app in apps:
            await app.start()
        yield apps
    finally:
        for app in apps:
            await app.stop()


def new_user(emulator: TelegramEmulator) -> SimUser:
    return emulator.user(user_id=next_telegram_id(), first_name="Scale", language_code="zh-hans", username=unique("tg"))


def deliver_to(emulator: TelegramEmulator, app: BotApp) -> None:
    """Point the fake Telegram's webhook at one worker, as a load balancer would pick it."""
    emulator.updates.set_webhook(app.settings.webhook_url, SECRET, None, drop_pending=False)


async def test_an_update_delivered_to_both_workers_is_handled_once(
    emulator: TelegramEmulator, workers: list[BotApp], postgres_url: str
) -> None:
    user = new_user(emulator)
    user.open_chat()
    message = emulator.add_message(user, from_bot=False, kind="text", text="/start",
                                   entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    update = {"update_id": 900_000_000 + next_telegram_id() % 1_000_000, "message": message.to_telegram()}
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(http.post(app.settings.webhook_url, json=update, headers=HEADERS)
                                         for app in workers))
        assert [answer.status for answer in answers] == [200, 200]
    for app in workers:
        await app.drain()
    answers = [m for m in user.messages if m.from_bot]
    assert len(answers) == 1 and t("btn-register") in answers[0].button_texts
    database = Database(postgres_url)
    try:
        async with database.sessionmaker() as session:
            seen = await session.scalar(select(func.count()).where(ProcessedUpdate.update_id == update["update_id"]))
    finally:
        await database.dispose()
    assert seen == 1


async def test_a_dialog_started_on_one_worker_continues_on_the_other(
    emulator: TelegramEmulator, workers: list[BotApp]
) -> None:
    first, second = workers
    user = new_user(emulator)
    deliver_to(emulator, first)
    await user.send("/start")
    home = await user.expect_message()
    await user.press(home, t("btn-login"))
    assert user.messages[-1].text == shown("login-ask-identifier")
    await first.drain()
    deliver_to(emulator, second)
    await user.send(unique("s"))
    assert (await user.expect_message()).text == shown("login-ask-password")


async def _until(condition, timeout: float = 10.0) -> None:  # noqa: ANN001 - a zero-argument predicate
    """Leadership changes on the workers' own clocks (every TTL/3); wait for it, not a fixed time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the condition did not hold in time"
        await asyncio.sleep(0.05)


async def test_one_worker_leads_and_another_takes_over_when_it_stops(workers: list[BotApp]) -> None:
    leaders = [app for app in workers if app.leadership.is_leader]
    assert len(leaders) == 1
    leader, follower = leaders[0], next(app for app in workers if app is not leaders[0])
    assert leader.jobs is not None and follower.jobs is None
    assert leader.jobs.scheduler.get_job("tiers-announce") is not None
    for _ in range(3):  # followers keep trying and keep failing while the leader renews
        await follower.leadership.tick()
        await leader.leadership.tick()
    assert follower.jobs is None and leader.leadership.is_leader
    await leader.stop()
    await _until(lambda: follower.jobs is not None)  # elected, then the jobs start
    assert follower.leadership.is_leader and follower.jobs.scheduler.running


async def test_the_webhook_is_set_by_the_leader_only(emulator: TelegramEmulator, workers: list[BotApp]) -> None:
    calls = [r for r in emulator.requests if r.method == "setWebhook"]
    leader = next(app for app in workers if app.leadership.is_leader)
    assert [call.params["url"] for call in calls] == [leader.settings.webhook_url]


async def test_postgres_advisory_lock_has_one_holder_at_a_time(postgres_url: str) -> None:
    database = Database(postgres_url)
    first, second = PostgresLock(database.engine, unique("k")), PostgresLock(database.engine, "")
    second.key = first.key
    try:
        assert await first.acquire() and await first.renew()
        assert not await second.acquire() and not await second.renew()
        await first.release()
        assert await second.acquire() and await second.renew()
    finally:
        await first.release()
        await second.release()
        await database.dispose()


class _FailingLock:
    def __init__(self) -> None:
        self.held = True

    async def acquire(self) -> bool:
        return self.held

    async def renew(self) -> bool:
        if not self.held:
            raise ConnectionError("lock store unreachable")
        return True

    async def release(self) -> None:
        return None


async def test_a_leader_that_cannot_renew_steps_down() -> None:
    events: list[str] = []

    async def elected() -> None:
        events.append("elected")

    async def lost() -> None:
        events.append("lost")

    lock = _FailingLock()
    leadership = Leadership(lock, elected, lost, ttl=600)
    await leadership.start()
    lock.held = False
    await leadership.tick()
    await leadership.stop()
    assert events == ["elected", "lost"] and not leadership.is_leader


async def _healthy_workers(port: int, count: int) -> dict[int, bool]:
    """/healthz on new connections until `count` worker processes have answered: pid -> leader."""
    seen: dict[int, bool] = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        for _ in range(600):
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    health = await response.json()
                    assert health["status"] == "ok"
                    seen[health["pid"]] = health["leader"]
            if len(seen) == count:
                return seen
            await asyncio.sleep(0.05)
    raise AssertionError(f"only {len(seen)} worker(s) answered /healthz")


async def test_gunicorn_serves_two_workers_on_one_port(emulator: TelegramEmulator, postgres_url: str) -> None:
    """The deployment command of docs/SCALING.md; importing the bot (pinning aiogram's models) takes seconds."""
    port = _free_port()
    values = worker_settings(emulator, postgres_url, port, unique("leader"))
    env = {**os.environ, **{name.upper(): str(value) for name, value in values.items()}}
    env["BACKGROUND_JOBS"] = "false"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bot.webapp:create_app()", "--worker-class", "aiohttp.GunicornWebWorker",
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--preload", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        await _until(lambda: process.poll() is not None or any(r.method == "setWebhook" for r in emulator.requests), 90)
        assert process.poll() is None, process.stdout.read().decode()
        workers = await _healthy_workers(port, 2)
        assert sorted(workers.values()) == [False, True]  # two processes answer, one of them leads
        user = new_user(emulator)
        await user.send("/start")
        assert t("btn-register") in (await user.expect_message(timeout=15)).button_texts, emulator.errors
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
