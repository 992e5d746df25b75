"""Sandbox: a fake Telegram Bot API server and simulated users for tests and the web chat page."""
