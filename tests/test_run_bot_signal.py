"""Ctrl-C stops `python run_bot.py` quietly: exit code 0 and no traceback."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from sandbox.emulator import TelegramEmulator
from tests.conftest import TEST_TOKEN

ROOT = Path(__file__).resolve().parent.parent


async def test_sigint_exits_zero_without_a_traceback(tmp_path: Path) -> None:
    emulator = TelegramEmulator(token=TEST_TOKEN, validate=True)
    await emulator.start(host="127.0.0.1", port=0)
    env = {
        **os.environ,
        "BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE": emulator.api_base,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "REDIS_URL": "",
        "WEBHOOK_URL": "",
        "BACKGROUND_JOBS": "false",
    }
    env.pop("REDIS_URL")
    env.pop("WEBHOOK_URL")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "run_bot.py", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        polling = await emulator.changes.wait_for(
            lambda: any(request.method == "getUpdates" for request in emulator.requests), 30
        )
        assert polling, "the bot never started polling"
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await emulator.stop()
    text = stderr.decode(errors="replace")
    assert process.returncode == 0, text
    assert "Traceback" not in text and "Error" not in text, text
