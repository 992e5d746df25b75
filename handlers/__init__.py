"""One aiogram Router per feature; `routers()` gives them in the order they must be included."""

from aiogram import Router


def routers() -> list[Router]:
    from handlers import fallback, language, login, points, profile, registration, start

    # Dialog routers first so their state filters win; the catch-all fallback is last.
    return [
        start.router,
        registration.router,
        login.router,
        profile.router,
        language.router,
        points.router,
        fallback.router,
    ]
