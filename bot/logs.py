"""Logging set-up; phone numbers and e-mail addresses are masked in every record."""

import logging
import re

EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
PHONE = re.compile(r"(?<!\d)(?:\+\d{4,11}|1[3-9]\d{5})(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    text = EMAIL.sub(r"\1***@\2", text)
    return PHONE.sub(r"***\1", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # Routine chatter of libraries (start-up, a line per update, a line per answered callback query);
    # their warnings still show.
    for noisy in ("apscheduler", "alembic.runtime.migration", "aiogram.event", "aiogram.middlewares"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
