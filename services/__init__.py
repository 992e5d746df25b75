"""Use cases and business rules; no aiogram here."""
