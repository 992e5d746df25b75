"""The `write` load of benchmarks/updates.py against 1 and then 2 gunicorn webhook workers.

PostgreSQL (a throwaway database) and Redis (REDIS_URL, FSM + flood control + leader lease) are
shared by the workers, started exactly as docs/SCALING.md says:

    gunicorn 'bot.webapp:create_app()' --worker-class aiohttp.GunicornWebWorker --workers N --preload

The fake Telegram pushes the updates to the webhook in order, as Telegram does, and the simulated
members run in this process. This machine has few cores (printed) and the load generator, the
emulator, PostgreSQL and Redis share them with the workers: the scaling figure is a lower bound
of what a machine with a core per worker would show. Flood control is generous (FLOOD_BURST=10000).

    .venv/bin/python benchmarks/scale.py [--members 40] [--blocks 3]

Prints `RESULT workers_1=... workers_2=... scaling=...` (updates/s, medians over blocks).
"""

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.updates import (  # noqa: E402
    POSTGRES_ADMIN_URL,
    TOKEN,
    bare_users,
    bot_settings,
    create_postgres_database,
    make_members,
    walk,
    write_walks,
)
from sandbox.emulator import TelegramEmulator  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECRET = "bench-scale-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_workers(emulator: TelegramEmulator, database_url: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    values = bot_settings(emulator.api_base, database_url, redis_url=REDIS_URL, background_jobs=False,
                          webhook_url=f"http://127.0.0.1:{port}/telegram/webhook", webhook_secret=SECRET,
                          leader_key=f"bench-leader-{uuid.uuid4().hex[:8]}")
    env = {**os.environ, **{name.upper(): str(value) for name, value in values.items() if value is not None}}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bot.webapp:create_app()", "--worker-class", "aiohttp.GunicornWebWorker",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--preload", "--timeout", "120",
         "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    await wait_ready(process, port, workers)
    return process, port


async def wait_ready(process: subprocess.Popen, port: int, workers: int, timeout: float = 180) -> None:
    """Until every worker has answered /healthz (each request on a new connection)."""
    import aiohttp

    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        while len(seen) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start {workers} worker(s)")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        seen.add((await response.json())["pid"])
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


def stop_workers(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def measure(workers: int, database_url: str, args: argparse.Namespace) -> list[float]:
    emulator = TelegramEmulator(token=TOKEN, validate=False)
    await emulator.start()
    emulator.updates.start_after(workers * 100_000_000)  # the update log is shared by both runs
    members = await make_members(database_url, emulator, args.members * (args.blocks + 1))
    process, _ = await start_workers(emulator, database_url, workers)
    rates: list[float] = []
    busy: list[float] = []  # the load generator's own share of a core
    try:
        for i in range(args.blocks + 1):  # block 0 warms every worker up and is not counted
            fresh = members[i * args.members:(i + 1) * args.members]
            walks = write_walks(fresh, bare_users(emulator, args.members))
            latencies: list[float] = []
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(walk(user, steps, latencies, **values) for user, steps, values in walks))
            elapsed = time.perf_counter() - started
            if i > 0:
                rates.append(len(latencies) / elapsed)
                busy.append((time.process_time() - cpu) / elapsed)
        errors = len(emulator.errors)
    finally:
        stop_workers(process)
        await emulator.stop()
    print(f"workers={workers} blocks={[round(rate, 1) for rate in rates]} api_errors={errors} "
          f"load_generator_core_share={statistics.median(busy):.2f} load_average={os.getloadavg()[0]:.1f}", flush=True)
    return rates


async def redis_reachable() -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    finally:
        await client.aclose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=40, help="members (and as many guests) per block")
    parser.add_argument("--blocks", type=int, default=3, help="measured blocks per worker count")
    args = parser.parse_args()
    print(f"write load, {args.members} members + {args.members} guests per block; PostgreSQL + Redis; "
          f"this machine has {os.cpu_count()} cores, shared by the workers, the load generator, the emulator, "
          "PostgreSQL and Redis (indicative numbers on a shared machine)", flush=True)
    if not await redis_reachable():
        print(f"redis: skipped (not reachable at {REDIS_URL})")
        return
    try:
        url, drop = await create_postgres_database()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        print(f"postgres: skipped (not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__})")
        return
    try:
        one = statistics.median(await measure(1, url, args))
        two = statistics.median(await measure(2, url, args))
    finally:
        await drop()
    print(f"RESULT workers_1={one:.1f} workers_2={two:.1f} scaling={two / one:.2f} cores={os.cpu_count()}")


if __name__ == "__main__":
    asyncio.run(main())
