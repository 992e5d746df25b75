"""A broadcast to 100,000 members against the fake Telegram enforcing Telegram's limits (time-scaled),
while 20 members keep chatting with the bot.

Set-up (not timed): the recipients (opted in, with chats) are inserted in one statement; 20 chatting
members (opted out, so not recipients) exist. The bot runs in its own process on SQLite, with its
in-process broadcast worker. The fake Telegram allows `--scale` times Telegram's rates (30/s overall,
1/s per chat), so the bot's BROADCAST_RATE of 25/s becomes 25 × scale.

1. Baseline: the 20 members chat (/points, /start, one every `--think` s each) with no broadcast, for
   `--baseline` s before the broadcast and as long after it (warm-up not counted).
2. An admin composes the broadcast through /broadcast and sends it to the segment "all"; the members
   keep chatting until the progress message shows the final report. Every `--window` s of sending the
   admin presses Pause for half as long, then Resume: the members' round trips while it sends are
   member_p99_ms, those before, during the pauses and after are baseline_member_p99_ms, so both sides
   see the same load of a shared machine. The pauses are left out of the sending rate.

    RESULT db=sqlite scenario=broadcast recipients=... rate_fraction=... telegram_fraction=... duplicates=...
           lost=... peak_rss_mib=... member_p99_ms=... baseline_member_p99_ms=...

rate_fraction is the achieved sending rate (sent / time from the first to the last delivery) over the
rate the bot is allowed (BROADCAST_RATE × scale); telegram_fraction the same over Telegram's 30 × scale.
peak_rss_mib is the bot process's peak resident memory (VmHWM). Run it at 10,000 and at 100,000 to see
that memory does not grow with the number of recipients:

    .venv/bin/python benchmarks/broadcast.py [--recipients 100000] [--scale 4] [--members 20]
"""

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.emulator import SimUser, TelegramEmulator  # noqa: E402
from sandbox.limits import TelegramLimits  # noqa: E402

TOKEN = "123456:BENCH"
ADMIN = 5_000_000
RATE = 25.0
FIRST_RECIPIENT = 10_000_000


def serve(api_base: str, database_url: str, scale: float) -> None:
    """The full bot, in its own process, with the in-process broadcast worker (no Redis)."""
    from bot.app import BotApp
    from bot.config import Settings

    async def main() -> None:
        settings = Settings(
            _env_file=None, bot_token=TOKEN, telegram_api_base=api_base, database_url=database_url,
            log_level="WARNING", flood_burst=10_000, bcrypt_rounds=4, webhook_url=None, redis_url=None,
            owner_ids=[ADMIN], broadcast_rate=RATE, broadcast_time_scale=scale,
        )
        app = BotApp(settings)
        await app.start()
        await app.wait()

    asyncio.run(main())


async def prepare(database_url: str, emulator: TelegramEmulator, recipients: int, members: int) -> list[SimUser]:
    """Recipients in one INSERT; the chatting members opted out of marketing. Returns the chatters."""
    from sqlalchemy import insert

    from models.base import utcnow
    from models.database import Database
    from models.members import Member, TelegramUser
    from models.migrate import upgrade_to_head

    database = Database(database_url)
    await upgrade_to_head(database.engine)
    created = utcnow() - timedelta(days=30)
    ids = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients))
    chatters = [emulator.user(user_id=6_000_000 + i, first_name="Chat", language_code="zh") for i in range(members)]
    rows = [dict(username_key=f"r{i}", marketing_opt_in=True, telegram_id=i, tier="normal", points_available=0,
                 points_frozen=0, status="active", created_at=created) for i in ids]
    rows += [dict(username_key=f"c{u.id}", marketing_opt_in=False, telegram_id=u.id, tier="normal", points_available=0,
                  points_frozen=0, status="active", created_at=created) for u in chatters]
    async with database.session(write=True) as session:
        for start in range(0, len(rows), 10_000):
            await session.execute(insert(Member.__table__), rows[start:start + 10_000])
        await session.execute(insert(TelegramUser.__table__), [dict(id=u.id, client_language="zh", created_at=created)
                                                               for u in chatters])
        await session.commit()
    await database.dispose()
    for telegram_id in ids:
        emulator.user(user_id=telegram_id, first_name="R", language_code="zh").open_chat()
    for user in chatters:
        user.open_chat()
    return chatters


async def chat(users: list[SimUser], stop: asyncio.Event, think: float, samples: list[tuple[float, float]]) -> None:
    """Each member sends /points or /start and waits for the answer, then pauses `think` s; every
    round trip is kept as (start, end) on the perf_counter clock."""
    async def one(user: SimUser, offset: float) -> None:
        await asyncio.sleep(offset)
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            await user.send("/points" if n % 2 else "/start")
            await user.expect_message(timeout=120)
            samples.append((started, time.perf_counter()))
            n += 1
            await asyncio.sleep(think)

    await asyncio.gather(*(one(user, think * i / len(users)) for i, user in enumerate(users)))


async def chat_for(users: list[SimUser], seconds: float, think: float) -> list[float]:
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    task = asyncio.create_task(chat(users, stop, think, samples))
    await asyncio.sleep(seconds)
    stop.set()
    await task
    return [end - start for start, end in samples]


def within(samples: list[tuple[float, float]], windows: list[tuple[float, float]]) -> list[float]:
    """Round trips that started and ended inside one of the windows."""
    return [end - start for start, end in samples if any(a <= start and end <= b for a, b in windows)]


async def alternate(admin: SimUser, progress: object, done: object, running_s: float, paused_s: float) -> tuple:
    """While the broadcast runs: `running_s` sending, then Pause on the progress message for `paused_s`,
    Resume, and so on, so the members' latency with and without the broadcast is measured under the
    same load of the (shared) machine. Returns the running windows, the paused ones, and the seconds
    the broadcast spent paused."""
    from bot.i18n import translator

    t = translator("zh")
    running, paused, paused_total = [], [], 0.0
    while not done():
        start = time.perf_counter()
        while not done() and time.perf_counter() - start < running_s:
            await asyncio.sleep(0.2)
        running.append((start, time.perf_counter()))
        if done():
            break
        await admin.press(progress, t("broadcast-btn-pause"), timeout=60)
        pressed = time.perf_counter()
        await asyncio.sleep(1.0)  # the sends already under way end
        window = time.perf_counter()
        await asyncio.sleep(paused_s)
        paused.append((window, time.perf_counter()))
        await admin.press(progress, t("broadcast-btn-resume"), timeout=60)
        paused_total += time.perf_counter() - pressed
    return running, paused, paused_total


def p50(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[len(ordered) // 2] * 1000 if ordered else 0.0


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000 if ordered else 0.0


async def broadcast(admin: SimUser, marker: str) -> object:
    """The /broadcast dialog to "all"; returns the progress message."""
    from bot.i18n import translator

    t = translator("zh")
    pause = 1.0  # a person's pace: Telegram allows one chat only short bursts
    await admin.send("/broadcast")
    await admin.expect_message(timeout=60)
    await asyncio.sleep(pause)
    await admin.send(f"<b>{marker}</b> 双十二大促")
    question = await admin.expect_message(timeout=60)
    await asyncio.sleep(pause)
    await admin.press(question, t("broadcast-btn-skip"), timeout=60)
    question = await admin.expect_message(timeout=60)
    await asyncio.sleep(pause)
    await admin.press(question, t("broadcast-btn-no-coupon"), timeout=60)
    await asyncio.sleep(pause)
    await admin.send("all")
    await asyncio.sleep(pause)
    await admin.wait_for(lambda: t("broadcast-btn-start") in str(admin.last_message.inline_buttons), timeout=120)
    before = len(admin.messages)
    await admin.press(admin.last_message, t("broadcast-btn-start"), timeout=120)
    await admin.wait_for(lambda: len(admin.messages) > before, timeout=120)
    return admin.messages[before]


async def outcome(database_url: str) -> dict[str, object]:
    from sqlalchemy import func, select

    from models.broadcasts import BroadcastDelivery
    from models.database import Database

    database = Database(database_url)
    d = BroadcastDelivery
    async with database.sessionmaker() as session:
        counts = dict((await session.execute(select(d.status, func.count()).group_by(d.status))).all())
        first, last = (await session.execute(
            select(func.min(d.sent_at), func.max(d.sent_at)).where(d.status == "sent"))).one()
    await database.dispose()
    return {"counts": counts, "seconds": (last - first).total_seconds() if first and last else 0.0}


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each member waits between messages")
    parser.add_argument("--baseline", type=float, default=20.0,
                        help="seconds of chatting without a broadcast, before it and again after it")
    parser.add_argument("--window", type=float, default=20.0,
                        help="seconds of sending between pauses (each pause lasts half as long)")
    args = parser.parse_args()
    emulator = TelegramEmulator(token=TOKEN, validate=False, max_requests=1000)
    await emulator.start()
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        chatters = await prepare(database_url, emulator, args.recipients, args.members)
        admin = emulator.user(user_id=ADMIN, first_name="Admin", language_code="zh")
        limits = emulator.limits = TelegramLimits(global_rate=30, chat_rate=1, chat_burst=10, time_scale=args.scale)
        process = spawn.Process(target=serve, args=(emulator.api_base, database_url, args.scale))
        process.start()
        try:
            await chat_for(chatters, 10, args.think)  # warm-up (the bot starts), not counted
            baseline = await chat_for(chatters, args.baseline, args.think)
            marker = f"bench{int(time.time())}"
            stop = asyncio.Event()
            samples: list[tuple[float, float]] = []
            chatting = asyncio.create_task(chat(chatters, stop, args.think, samples))
            started = time.monotonic()
            progress = await broadcast(admin, marker)
            running, paused, paused_total = await alternate(
                admin, progress, lambda: "最终报告" in (progress.text or ""), args.window, args.window / 2)
            stop.set()
            await chatting
            elapsed = time.monotonic() - started
            during, between = within(samples, running), within(samples, paused)
            # the baseline is before, between (paused) and after, so the machine's load falls on both sides
            baseline += between + await chat_for(chatters, args.baseline, args.think)
            rss = peak_rss_mib(process.pid)
        finally:
            process.terminate()
            process.join(20)
        result = await outcome(database_url)
    await emulator.stop()
    counts = result["counts"]
    recipients = [emulator.users[FIRST_RECIPIENT + i] for i in range(args.recipients)]
    copies = [sum(marker in (m.text or "") for m in user.messages) for user in recipients]
    duplicates = sum(max(c - 1, 0) for c in copies)
    accounted = sum(counts.get(s, 0) for s in ("sent", "failed", "blocked", "unknown"))
    # never finished, or recorded as sent without arriving
    lost = (args.recipients - accounted) + max(counts.get("sent", 0) - sum(1 for c in copies if c), 0)
    sending = result["seconds"] - paused_total  # from the first delivery to the last, pauses left out
    rate = counts.get("sent", 0) / sending if sending > 0 else 0.0
    print(f"{args.recipients} recipients, scale {args.scale}: allowed {RATE * args.scale:.0f}/s by the bot, "
          f"{30 * args.scale:.0f}/s by Telegram; {elapsed:.0f} s from the dialog to the final report")
    print(f"deliveries {counts}; sending {sending:.1f} s ({paused_total:.0f} s paused in {len(paused)} pauses) "
          f"at {rate:.1f}/s; "
          f"429s: global {limits.refused_global}, per chat {limits.refused_chat}")
    print(f"members: {len(baseline)} round trips without the broadcast (before, paused, after), {len(during)} while it "
          f"sent; p50 {p50(baseline):.0f} ms -> {p50(during):.0f} ms; p99 {p99(baseline):.0f} ms -> {p99(during):.0f} ms")
    print(f"RESULT db=sqlite scenario=broadcast recipients={args.recipients} scale={args.scale:g} "
          f"rate_fraction={rate / (RATE * args.scale):.3f} telegram_fraction={rate / (30 * args.scale):.3f} "
          f"duplicates={duplicates} lost={lost} peak_rss_mib={rss:.0f} member_p99_ms={p99(during):.0f} "
          f"baseline_member_p99_ms={p99(baseline):.0f}")


if __name__ == "__main__":
    asyncio.run(main())
