"""Start member-bot: `python run_bot.py` (needs BOT_TOKEN), `--sandbox`, `audit` (points reconciliation),
or `worker` (a broadcast worker on the Redis task queue; needs REDIS_URL and BOT_TOKEN).

Installed, the same is the `member-bot` command.
"""

import argparse
import asyncio
import logging
import sys

from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.utils.token import TokenValidationError, validate_token
from pydantic import ValidationError

from bot.app import BotApp
from bot.config import Settings
from bot.logs import setup_logging

MISSING_TOKEN = """BOT_TOKEN is not set.

  Set BOT_TOKEN (from @BotFather) in the environment or in .env (see .env.example),
  or try the bot without Telegram in the local sandbox chat:

      python run_bot.py --sandbox      (from the repository; installed: member-bot --sandbox)
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="member-bot", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["run", "audit", "seed-demo", "worker"], default="run",
                        help="run the bot (default), audit every points balance against the ledger (exit 1 on a difference)"
                             ", add the demo catalog (seed-demo; the sandbox adds it by itself)"
                             ", or run a broadcast worker (needs REDIS_URL)")
    parser.add_argument("--sandbox", action="store_true", help="run against the built-in local chat page")
    parser.add_argument("--port", type=int, default=None, help="sandbox page port (default SANDBOX_PORT, 8080)")
    return parser.parse_args(argv)


async def run(settings: Settings) -> None:
    app = BotApp(settings)
    try:
        await app.start()
        await app.wait()
    finally:
        await app.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"Configuration error:\n{exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    if args.command == "audit":
        from services.points.audit import run_audit

        return asyncio.run(run_audit(settings.database_url, sys.stdout))
    if args.command == "seed-demo":
        from services.orders.demo import run_seed

        return asyncio.run(run_seed(settings.database_url, sys.stdout))
    if args.sandbox:
        from sandbox.runner import run_sandbox

        return run_sandbox(settings, port=args.port)
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    try:
        validate_token(settings.bot_token.get_secret_value())
    except TokenValidationError:
        print("BOT_TOKEN does not look like a bot token (it should be like 123456:ABC-DEF...).", file=sys.stderr)
        return 2
    if args.command == "worker":
        return run_worker_command(settings)
    try:
        asyncio.run(run(settings))
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("stopped")
    except TelegramUnauthorizedError:
        print("Telegram refused BOT_TOKEN (unauthorized): check the token with @BotFather.", file=sys.stderr)
        return 1
    except TelegramNetworkError as error:
        print(f"Cannot reach the Bot API server ({error.message}); check the network or TELEGRAM_API_BASE.", file=sys.stderr)
        return 1
    return 0


def run_worker_command(settings: Settings) -> int:
    """Broadcast worker: takes broadcast tasks from the Redis queue until Ctrl-C / SIGTERM."""
    from bot.broadcast_worker import run_worker

    if not settings.redis_url:
        print("member-bot worker needs REDIS_URL (without it the bot sends broadcasts itself).", file=sys.stderr)
        return 2
    try:
        asyncio.run(run_worker(settings))
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
