"""The personal-data registry covers the whole schema: a new table with members' data must be declared.

Walks `Base.metadata` after importing every module under models/, so a table merged from another
feature (orders, tickets, deliveries...) fails here until models/personal_data.py says how /mydata
exports it and /delete_account erases it.
"""

import importlib
import pkgutil
import re

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, MetaData, String, Table, select

import models
from models.base import Base
from models.personal_data import NOT_PERSONAL, REGISTRY, PersonalTable, Subject, by

# A column whose name says it points at a member or a Telegram user.
MEMBER_REFERENCE = re.compile(
    r"(^|_)(member|members|owner|referrer|referee|customer|buyer|giver|receiver|recipient|author|user|telegram|chat"
    r"|actor|staff|operator)"
    r"(_id|_ids|_no)?$|^received_from$|^telegram|^subject$"
)
# Name parts that say a column holds personal data a deletion must not leave behind.
PERSONAL_PARTS = {
    "phone", "email", "mail", "address", "birthday", "birth", "username", "password", "name", "contact",
    "comment", "note", "notes", "text", "message", "body", "ip", "recipient", "nickname", "city", "zip",
    "postcode", "street", "photo", "passport", "id_card",
}
# Columns that match a pattern above but are not personal, with the reason.
NOT_PERSONAL_COLUMNS: dict[tuple[str, str], str] = {
    ("order_lines", "name_zh"): "the product's name when it was sold",
    ("order_lines", "name_en"): "the product's name when it was sold",
}
# Columns whose name sounds like a person but holds none.
NOT_MEMBER_REFERENCES: dict[tuple[str, str], str] = {
    ("ticket_messages", "author"): "'member' or 'staff', who wrote the message; no id",
    ("payments", "telegram_payment_charge_id"): "Telegram's id of the charge, not of a person",
}


def load_all_models() -> None:
    for module in pkgutil.walk_packages(models.__path__, "models."):
        importlib.import_module(module.name)


def _refers_to_members(column: Column) -> bool:
    return any(fk.column.table.name == "members" for fk in column.foreign_keys) or bool(
        MEMBER_REFERENCE.search(column.name)
    )


def _looks_personal(column: Column) -> bool:
    """A personal-sounding name, or a JSON document (a snapshot or dialog data can hold anything)."""
    parts = set(column.name.lower().split("_"))
    return bool(parts & PERSONAL_PARTS) or column.name.lower() in PERSONAL_PARTS or isinstance(column.type, JSON)


def _entry_problems(source: Table, entry: PersonalTable) -> list[str]:
    problems = []
    references = set(entry.owners) | set(entry.others) | set(entry.other_users) | set(entry.erase)
    declared = references | set(entry.secret)
    problems += [f"{source.name}.{name}: declared but no such column" for name in declared - set(source.c.keys())]
    for column in source.columns:
        where = f"{source.name}.{column.name}"
        if _refers_to_members(column) and column.name not in references \
                and (source.name, column.name) not in NOT_MEMBER_REFERENCES:
            problems.append(f"{where} refers to a member: add it to owners, others, other_users or erase")
        if (entry.on_delete != "delete" and _looks_personal(column) and column.name not in entry.erase
                and (source.name, column.name) not in NOT_PERSONAL_COLUMNS):
            problems.append(f"{where} looks personal and would survive a deletion: add it to erase")
    return problems


def registry_problems(metadata: MetaData, registry: tuple[PersonalTable, ...], not_personal: dict) -> list[str]:
    """Everything the registry fails to say about this schema (empty when it is complete)."""
    named = {entry.name: entry for entry in registry}
    problems = [f"{name}: declared twice" for name in named if name in not_personal]
    problems += [f"{name}: registered but not in the schema" for name in set(named) | set(not_personal)
                 if name not in metadata.tables]
    for name, source in sorted(metadata.tables.items()):
        if name in named:
            problems += _entry_problems(source, named[name])
        elif name in not_personal:
            problems += [f"{name}.{column.name} refers to a member, yet the table is declared not personal"
                         for column in source.columns if _refers_to_members(column)]
        else:
            problems.append(f"{name}: not in models/personal_data.py (REGISTRY or NOT_PERSONAL)")
    return problems


def test_every_table_is_declared_and_every_member_column_accounted_for() -> None:
    load_all_models()
    assert registry_problems(Base.metadata, REGISTRY, dict(NOT_PERSONAL)) == []


def test_every_selector_compiles_for_a_member_with_and_without_telegram() -> None:
    for entry in REGISTRY:
        source = Base.metadata.tables[entry.name]
        for who in (Subject(1, 7_000_001), Subject(1, None)):
            str(select(source).where(entry.rows(source, who)).compile())


def test_the_check_catches_an_undeclared_table_and_an_unerased_personal_column() -> None:
    """What a merged feature's table would look like if nobody declared it: the check must fail."""
    load_all_models()
    metadata = MetaData()
    for source in Base.metadata.tables.values():
        source.to_metadata(metadata)
    Table("shipments", metadata, Column("id", BigInteger, primary_key=True),
          Column("member_id", ForeignKey("members.id")), Column("ship_address", String(200)))
    Table("hotline_calls", metadata, Column("id", BigInteger, primary_key=True), Column("telegram_id", BigInteger))
    known = set(registry_problems(Base.metadata, REGISTRY, dict(NOT_PERSONAL)))  # empty, per the test above
    problems = set(registry_problems(metadata, REGISTRY, dict(NOT_PERSONAL))) - known
    assert problems == {"shipments: not in models/personal_data.py (REGISTRY or NOT_PERSONAL)",
                        "hotline_calls: not in models/personal_data.py (REGISTRY or NOT_PERSONAL)"}
    half = PersonalTable("shipments", by("member_id"), "keep", why="test", owners=("member_id",))
    problems = set(registry_problems(metadata, (*REGISTRY, half), {**NOT_PERSONAL, "hotline_calls": "test"})) - known
    assert problems == {"shipments.ship_address looks personal and would survive a deletion: add it to erase",
                        "hotline_calls.telegram_id refers to a member, yet the table is declared not personal"}
