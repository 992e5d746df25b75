"""The shape every feature copies: layers import one way, modules and functions stay small."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("bot", "handlers", "services", "models")


def modules(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted(path for path in (ROOT / package).rglob("*.py") if "sandbox" not in path.parts)


def imported(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports, anywhere in the file)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_from(path: Path, *packages: str) -> list[str]:
    return sorted(name for name in imported(path) if name.split(".")[0] in packages)


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [("services", ("bot", "handlers", "sandbox")), ("models", ("services", "bot", "handlers", "sandbox")),
     ("handlers", ("models", "sandbox")), ("bot", ("sandbox",))],
)
def test_layers_import_in_one_direction(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = {str(path.relative_to(ROOT)): imports_from(path, *forbidden) for path in modules(layer)}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_settings_are_plain_data() -> None:
    assert imports_from(ROOT / "bot" / "config.py", "services", "models", "handlers") == []


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    long_modules, long_functions = [], []
    for path in modules(*PRODUCTION):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            long_modules.append(str(path.relative_to(ROOT)))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long_functions.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert long_modules == [] and long_functions == []


def test_every_module_says_what_it_holds() -> None:
    missing = [str(path.relative_to(ROOT)) for path in modules(*PRODUCTION)
               if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None]
    assert missing == []


def test_the_guard_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The checks above can fail: a handler importing a table is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text('"""x"""\nfrom models.members import Member\nimport sandbox.emulator\n')
    assert imports_from(bad, "models", "sandbox") == ["models.members", "sandbox.emulator"]
