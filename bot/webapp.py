"""The webhook bot as an aiohttp app factory, for several worker processes on one port.

    gunicorn 'bot.webapp:create_app()' --worker-class aiohttp.GunicornWebWorker --workers 2 --bind 0.0.0.0:8081

Each worker is a full BotApp in webhook mode without a server of its own: the worker class serves
the app, and the bot starts on the app's startup and stops on its cleanup. What the workers share
lives in PostgreSQL and Redis (update dedup, FSM, flood control); one elected leader calls
setWebhook and runs the background jobs (bot/leader.py). See docs/SCALING.md.
"""

from aiohttp import web

from bot.app import BotApp
from bot.config import Settings
from bot.logs import setup_logging

BOT_APP = web.AppKey("bot_app", BotApp)


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings()
    setup_logging(settings.log_level)
    if not settings.webhook_url:
        raise RuntimeError("WEBHOOK_URL is required: workers behind gunicorn receive updates by webhook only")
    bot_app = BotApp(settings, serve_http=False)
    app = web.Application()
    app[BOT_APP] = bot_app
    bot_app.add_routes(app)

    async def start(_: web.Application) -> None:
        await bot_app.start()

    async def stop(_: web.Application) -> None:
        await bot_app.stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app
