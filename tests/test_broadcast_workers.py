"""With REDIS_URL: broadcasts go through the task queue to `member-bot worker` processes that share one
global rate in Redis. Two workers (a `run_bot.py worker` process and one in the test's process), 2,000
recipients, Telegram's limits on (time-scaled); the process is killed mid-broadcast (SIGKILL) and the
other worker goes on: everybody is accounted for, nobody gets it twice (the rows the killed worker had
claimed, at most two batches, count unknown), and no 1-second window holds more sends than Telegram allows."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REDIS_TEST_URL, TEST_TOKEN, BotEnv, unique
from tests.test_broadcast_e2e import (
    admin, bot_mistakes, compose, delivery_counts, limits, received, recipients, start, wait_status,
)

ROOT = Path(__file__).resolve().parent.parent
SCALE = 10
BOT_DATABASES = ("postgresql",)  # several processes share the database
QUEUE = unique("member-bot:bq")
BOT_SETTINGS = {
    "redis_url": REDIS_TEST_URL, "broadcast_queue": QUEUE, "broadcast_time_scale": SCALE,
    "broadcast_lease_seconds": 3.0, "broadcast_workers": 2,
}


class Worker:
    """`python run_bot.py worker` in a process of its own, its log lines kept."""

    def __init__(self, bot_env: BotEnv) -> None:
        settings = bot_env.settings
        env = {
            **os.environ, "BOT_TOKEN": TEST_TOKEN, "DATABASE_URL": settings.database_url, "REDIS_URL": REDIS_TEST_URL,
            "TELEGRAM_API_BASE": settings.telegram_api_base, "BROADCAST_QUEUE": QUEUE,
            "BROADCAST_TIME_SCALE": str(SCALE), "BROADCAST_LEASE_SECONDS": "3", "LOG_LEVEL": "INFO",
        }
        self.process = subprocess.Popen([sys.executable, "run_bot.py", "worker"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = asyncio.get_running_loop().run_in_executor(None, self._read)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    async def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.said(text):
            assert self.process.poll() is None, "worker exited:\n" + "".join(self.lines)
            assert time.monotonic() < deadline, f"worker did not log {text!r}:\n" + "".join(self.lines)
            await asyncio.sleep(0.05)

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        await asyncio.get_running_loop().run_in_executor(None, self.process.wait)
        await self._reader


async def in_process_worker(bot_env: BotEnv) -> asyncio.Task:
    """The second worker: the same `run_worker` in this process (a second process would cost the
    suite another start of Python and aiogram); it shares only Redis and the database with the first."""
    from bot.broadcast_worker import run_worker

    ready = asyncio.Event()
    task = asyncio.create_task(run_worker(bot_env.settings, ready))
    await asyncio.wait_for(ready.wait(), 30)
    return task


async def test_two_workers_share_the_rate_and_a_killed_worker_sends_nobody_twice(bot_env: BotEnv) -> None:
    process = Worker(bot_env)
    local = await in_process_worker(bot_env)
    try:
        await process.wait_for("listening")
        owner = await admin(bot_env)
        users = await recipients(bot_env, 2000, blocked=20)
        marker = unique("queued")
        await compose(owner, marker, "all")
        caps = limits(bot_env, server_error_every=101)
        since = time.monotonic()
        broadcast_id, progress = await start(owner, bot_env)
        await process.wait_for(f"broadcast {broadcast_id}: ")  # the process takes part
        while (await delivery_counts(bot_env, broadcast_id))["sent"] < 700:
            await asyncio.sleep(0.05)
        await process.stop(signal.SIGKILL)  # mid-batch: its claimed rows stay "sending"
        assert not local.done()
        await wait_status(bot_env, broadcast_id, "done", timeout=90)
        counts = await delivery_counts(bot_env, broadcast_id)
        copies = received(users, marker)
        assert max(copies.values()) == 1
        assert counts["sent"] + counts["blocked"] + counts["failed"] + counts["unknown"] == 2000
        assert counts["blocked"] == 20 and counts["failed"] == 0 and counts["unknown"] <= 2 * 50  # the killed worker's two batches
        assert counts["sent"] <= sum(copies.values()) <= counts["sent"] + counts["unknown"]
        assert caps.busiest_second(since) <= 30 * SCALE and caps.refused_global == 0
        await owner.wait_for(lambda: "Final report" in (progress.text or ""), timeout=15)
        bot_env.emulator.limits = None
        assert not bot_mistakes(bot_env)
    finally:
        await process.stop()
        local.cancel()
        await asyncio.gather(local, return_exceptions=True)
