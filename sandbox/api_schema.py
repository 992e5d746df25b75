"""The Bot API contract: request checks against the bundled schema, and error answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("telegram-bot-api.json")
NOT_FOUND = "Not Found"

# Deprecated parameters Telegram still accepts (and aiogram can still send), keyed by the
# modern parameter whose presence in a method means the legacy one is accepted there too.
_LEGACY_PARAMS: dict[str, tuple[str, list[str]]] = {
    "reply_to_message_id": ("reply_parameters", ["Integer"]),
    "allow_sending_without_reply": ("reply_parameters", ["Boolean"]),
    "disable_web_page_preview": ("link_preview_options", ["Boolean"]),
}
_INTEGER = re.compile(r"-?\d+")
_ARRAY = "Array of "


class BotApiError(Exception):
    """An error answer of the Bot API, as Telegram sends it (error_code, description, retry_after)."""

    def __init__(
        self, error_code: int, description: str, retry_after: int | None = None, injected: bool = False
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.injected = injected  # asked for by a test through inject_error(), not the bot's fault

    def to_response(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> BotApiError:
    """The 400 answer Telegram gives for most rule violations."""
    return BotApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class UploadedFile:
    """A file sent as a multipart part: what the Bot API calls an InputFile."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@cache
def schema() -> dict[str, Any]:
    """The parsed schema, loaded once per process."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@cache
def _method_names() -> dict[str, str]:
    return {name.lower(): name for name in schema()["methods"]}


def canonical_method(name: str) -> str | None:
    """The schema's spelling of a method name; Telegram matches method names case-insensitively."""
    return _method_names().get(name.lower())


def param_types(method: str) -> dict[str, list[str]]:
    """Accepted types of every parameter of a method, legacy parameters included."""
    params = schema()["methods"][method]["params"]
    types = {name: spec["types"] for name, spec in params.items()}
    for legacy, (modern, legacy_types) in _LEGACY_PARAMS.items():
        if modern in params:
            types[legacy] = legacy_types
    return types


def coerce_params(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Turn form or query-string values (always strings) into the typed values they encode.

    aiogram sends numbers as digits, booleans as "true"/"false" and objects as JSON text; the
    declared types of the parameter say which reading Telegram applies.
    """
    types = param_types(method)
    return {
        name: _coerce(value, types[name]) if isinstance(value, str) and name in types else value
        for name, value in raw.items()
    }


def _coerce(value: str, types: list[str]) -> Any:
    for type_name in types:
        if type_name == "Integer" and _INTEGER.fullmatch(value):
            return int(value)
        if type_name == "Float":
            try:
                return float(value)
            except ValueError:
                continue
        if type_name == "Boolean" and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        if (type_name.startswith(_ARRAY) or type_name in schema()["types"]) and value[:1] in "[{":
            try:
                return json.loads(value)
            except ValueError:
                continue
    return value


def validate_request(method: str, params: dict[str, Any]) -> str | None:
    """A Telegram-style error description for a request that breaks the schema, or None."""
    canonical = canonical_method(method)
    if canonical is None:
        return NOT_FOUND
    specs = schema()["methods"][canonical]["params"]
    types = param_types(canonical)
    for name in params:
        if name not in types:
            return f'Bad Request: unknown parameter "{name}"'
    for name, spec in specs.items():
        if spec["required"] and params.get(name) is None:
            return f'Bad Request: parameter "{name}" is required'
    for name, value in params.items():
        problem = None if value is None else _check(value, types[name], name)
        if problem:
            return f"Bad Request: {problem}"
    return None


def _check(value: Any, types: list[str], path: str) -> str | None:
    """Why value matches none of types, or None; unions report the closest object type."""
    problems = []
    for type_name in types:
        problem = _check_one(value, type_name, path)
        if problem is None:
            return None
        problems.append((type_name, problem))
    if len(problems) == 1:
        return problems[0][1]
    if isinstance(value, dict):
        objects = [(t, p) for t, p in problems if t in schema()["types"]]
        if objects:
            return max(objects, key=lambda tp: _overlap(value, tp[0]))[1]
    return _wrong_type(path, types)


def _check_one(value: Any, type_name: str, path: str) -> str | None:
    if type_name.startswith(_ARRAY):
        if not isinstance(value, list):
            return _wrong_type(path, [type_name])
        item_type = type_name[len(_ARRAY) :]
        for index, item in enumerate(value):
            problem = _check(item, [item_type], f"{path}[{index}]")
            if problem:
                return problem
        return None
    if type_name in schema()["types"]:
        return _check_object(value, type_name, path)
    return None if _is_basic(value, type_name) else _wrong_type(path, [type_name])


def _wrong_type(path: str, types: list[str]) -> str:
    kind = "parameter" if path.isidentifier() else "field"
    return f'{kind} "{path}" must be of type {" or ".join(types)}'


def _is_basic(value: Any, type_name: str) -> bool:
    if isinstance(value, bool):
        return type_name == "Boolean"
    if type_name == "Integer":
        return isinstance(value, int)
    if type_name == "Float":
        return isinstance(value, int | float)
    if type_name == "String":
        return isinstance(value, str)
    return False


def _check_object(value: Any, type_name: str, path: str) -> str | None:
    if type_name == "InputFile":
        return None if isinstance(value, UploadedFile) else _wrong_type(path, [type_name])
    if not isinstance(value, dict):
        return _wrong_type(path, [type_name])
    spec = schema()["types"][type_name]
    if "subtypes" in spec:
        return _check(value, _candidate_subtypes(value, type_name, spec["subtypes"]), path)
    fields = spec.get("fields")
    if not fields:
        return None  # a placeholder type such as CallbackGame: any object goes
    for key in value:
        if key not in fields:
            return f'unknown field "{path}.{key}" in {type_name}'
    for key, field in fields.items():
        if field["required"] and value.get(key) is None:
            return f'field "{path}.{key}" is required in {type_name}'
    for key, item in value.items():
        if item is not None:
            problem = _check(item, fields[key]["types"], f"{path}.{key}")
            if problem:
                return problem
    return None


def _candidate_subtypes(value: dict[str, Any], parent: str, subtypes: list[str]) -> list[str]:
    """Subtypes a tagged object may be: the one its "type" names, else all of them."""
    tag = value.get("type")
    named = [s for s in subtypes if _snake(s.removeprefix(parent)) == tag]
    return named or subtypes


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _overlap(value: dict[str, Any], type_name: str) -> int:
    fields = schema()["types"][type_name].get("fields", {})
    return sum(key in fields for key in value)
