"""`pip install .` gives a working bot: the wheel ships code, texts, the sandbox page and migrations."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import aiohttp
import pytest

from tests.test_sandbox_web import clean_env, free_port

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("bot", "handlers", "services", "models")
FIRST_PARTY = {*PRODUCTION, "sandbox", "run_bot"}
SHIPPED = (*PRODUCTION, "sandbox")
MIGRATIONS = "member_bot_migrations"  # alembic/ in the repository; see pyproject.toml
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "data", ".env",
    "test-artifacts", ".hypothesis", ".pytest_cache",
)  # fmt: skip


@dataclass
class Installed:
    wheel: Path
    site: Path  # `pip install --target`: the packages and bin/member-bot
    elsewhere: Path  # a working directory that is not the repository

    def env(self) -> dict[str, str]:
        return clean_env(self.elsewhere) | {"PYTHONPATH": str(self.site)}


def pip(*args: str | Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *map(str, args)], check=True, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built offline from a copy of the repository (no build/ left behind here), installed aside."""
    work = tmp_path_factory.mktemp("packaging")
    shutil.copytree(ROOT, work / "src", ignore=NOT_COPIED)
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", work / "dist", work / "src")
    (wheel,) = (work / "dist").glob("member_bot-*.whl")
    pip("install", "--no-deps", "--no-index", "--target", work / "site", wheel)
    (work / "elsewhere").mkdir()
    return Installed(wheel, work / "site", work / "elsewhere")


def source_files(folder: str) -> set[str]:
    return {
        path.relative_to(ROOT / folder).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in a file, lazy ones inside functions included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_production_code_never_imports_the_sandbox() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in PRODUCTION
        for path in (ROOT / folder).rglob("*.py")
        if "sandbox" in imported_modules(path)
    ]
    assert offenders == [], "only run_bot.py --sandbox may reach the sandbox"


def test_every_imported_library_is_a_declared_dependency() -> None:
    declared = {
        normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    folders = (*SHIPPED, "alembic")
    sources = [ROOT / "run_bot.py", *(path for folder in folders for path in (ROOT / folder).rglob("*.py"))]
    libraries = set().union(*map(imported_modules, sources)) - FIRST_PARTY - set(sys.stdlib_module_names)
    distributions = packages_distributions()
    undeclared = {
        module for module in libraries if not {normalise(name) for name in distributions.get(module, [])} & declared
    }
    assert undeclared == set(), "add these to [project] dependencies in pyproject.toml"


def test_wheel_ships_code_texts_sandbox_page_schema_and_migrations(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
        entry_points = wheel.read(metadata).decode()
    shipped = {f"{folder}/{name}" for folder in SHIPPED for name in source_files(folder)}
    migrations = {f"{MIGRATIONS}/{name}" for name in source_files("alembic")}
    assert {"run_bot.py", *shipped, *migrations} == {name for name in names if ".dist-info/" not in name}
    assert {"bot/locales/zh/main.ftl", "sandbox/static/index.html", "sandbox/telegram-bot-api.json"} <= names
    assert f"{MIGRATIONS}/env.py" in names and f"{MIGRATIONS}/script.py.mako" in names
    assert not (ROOT / "alembic" / "__init__.py").exists()  # in a checkout it would shadow the alembic library
    assert "member-bot = run_bot:main" in entry_points


# What the installed copy finds, then what `member-bot` does without a token (one aiogram import, not two).
PROBE = """
import json, sys, bot.i18n, models.migrate, run_bot, sandbox.api_schema, sandbox.web
print(json.dumps({
    "run_bot": run_bot.__file__,
    "locales": str(bot.i18n.LOCALES_DIR),
    "migrations": str(models.migrate.script_location()),
    "page": str(sandbox.web.STATIC / "index.html"),
    "schema": str(sandbox.api_schema.SCHEMA_PATH),
}), flush=True)
sys.exit(run_bot.main([]))
"""


def test_installed_copy_uses_its_own_files_and_asks_for_a_token(installed: Installed) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=installed.elsewhere, env=installed.env(),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "BOT_TOKEN is not set" in result.stderr, result.stderr
    paths = {name: Path(path) for name, path in json.loads(result.stdout).items()}
    assert all(path.is_relative_to(installed.site) and path.exists() for path in paths.values()), paths
    assert paths["migrations"] == installed.site / MIGRATIONS


@pytest.fixture
async def installed_sandbox(installed: Installed) -> AsyncIterator[str]:
    """`member-bot --sandbox` from the installed copy, started in a directory that is not the repository."""
    port = free_port()
    log = installed.elsewhere / "sandbox.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            installed.site / "bin" / "member-bot", "--sandbox", "--port", str(port),
            cwd=installed.elsewhere, env=installed.env(), stdout=asyncio.subprocess.PIPE, stderr=stderr,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line.decode().strip() == f"Open http://127.0.0.1:{port}", log.read_text()
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0 and "Traceback" not in log.read_text(), log.read_text()


async def test_installed_sandbox_serves_the_page_and_the_bot_answers_start(
    installed: Installed, installed_sandbox: str
) -> None:
    bob = f"{installed_sandbox}/api/users/10002"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{installed_sandbox}/") as page, http.get(f"{installed_sandbox}/static/chat.js") as script:
            assert page.status == 200 and "member-bot" in await page.text() and script.status == 200
        async with http.post(f"{bob}/send", json={"text": "/start"}) as sent:
            assert sent.status == 200
        for _ in range(300):  # the bot answers asynchronously
            async with http.get(f"{bob}/messages") as response:
                replies = [message for message in (await response.json())["messages"] if message["from_bot"]]
            if replies:
                break
            await asyncio.sleep(0.1)
    assert replies and "welcome to the member centre" in replies[0]["text"]  # English text from the installed .ftl
    assert (installed.elsewhere / "sandbox.sqlite3").exists()  # migrated with the installed copy's scripts
