"""Builds the bot and its dispatcher: storage, middlewares, routers, workflow data."""

from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

import handlers
from bot.config import Settings
from bot.errors import on_error
from bot.flood import FloodControl, LocalFloodControl, RedisFloodControl
from bot.flood_guard import FloodGuard
from bot.in_flight import InFlight, TrackingDispatcher
from bot.middlewares import ContextMiddleware
from bot.storage import SqlStorage
from bot.update_log import UpdateLog
from models.database import Database
from bot.render import minor_per_unit
from services.orders import OrderRules, payload_key
from services.points import CheckinRules, Tier, Tiers
from services.policy import LockoutPolicy, ShopPolicy

if TYPE_CHECKING:
    from redis.asyncio import Redis


def shop_policy(settings: Settings) -> ShopPolicy:
    """The rules every use case follows, from the settings (plain data on both sides)."""
    return ShopPolicy(
        tz=settings.tz,
        currency=settings.currency,
        welcome_points=settings.welcome_points,
        profile_reward_points=settings.profile_reward_points,
        bcrypt_rounds=settings.bcrypt_rounds,
        lockout=LockoutPolicy(settings.login_max_failures, timedelta(minutes=settings.login_lock_minutes)),
        link_token_ttl=timedelta(hours=settings.link_token_ttl_hours),
        tiers=Tiers(Tier(t.code, dict(t.names), t.threshold, t.multiplier) for t in settings.points_tiers),
        checkin=CheckinRules(settings.checkin_points, settings.checkin_streak_days, settings.checkin_streak_bonus),
        earn_rate=settings.points_earn_rate,
        return_window=timedelta(days=settings.points_return_days),
        reminder_days=tuple(settings.points_reminder_days),
        welcome_coupon=settings.welcome_coupon_campaign,
        orders=order_rules(settings),
        owners=frozenset(settings.owner_ids),
        approval_points_threshold=settings.approval_points_threshold,
        approval_refund_threshold=settings.approval_refund_threshold,
        approval_ttl=timedelta(hours=settings.approval_ttl_hours),
        review_points=settings.review_points,
    )


def order_rules(settings: Settings) -> OrderRules:
    """Checkout rules; invoice payloads are signed with PAYMENT_PAYLOAD_SECRET, else a key from the bot token."""
    secret = settings.payment_payload_secret or settings.bot_token
    token = settings.payment_provider_token
    return OrderRules(
        points_per_unit=settings.points_redeem_rate,
        minor_per_unit=minor_per_unit(settings.currency),
        max_points_percent=settings.points_max_percent,
        expiry=timedelta(minutes=settings.order_expiry_minutes),
        referral_points=settings.referral_points,
        payload_key=payload_key(secret.get_secret_value() if secret else ""),
        provider_token=token.get_secret_value() if token else "",
    )


def create_storage(database: Database, redis: "Redis | None") -> BaseStorage:
    """Dialogs in Redis when there is one (shared by processes), else in the database."""
    if redis is not None:
        from bot.redis_storage import SharedRedisStorage

        return SharedRedisStorage(redis, key_builder=DefaultKeyBuilder(with_destiny=True))
    return SqlStorage(database)


def create_flood_control(settings: Settings, redis: "Redis | None") -> FloodControl:
    if redis is not None:
        return RedisFloodControl(redis, settings.flood_rate, settings.flood_burst)
    return LocalFloodControl(settings.flood_rate, settings.flood_burst)


def _owners(settings: Settings) -> Callable[[int], Awaitable[bool]]:
    owners = frozenset(settings.owner_ids)

    async def is_owner(user_id: int) -> bool:
        return user_id in owners

    return is_owner


def build_dispatcher(
    settings: Settings, database: Database, storage: BaseStorage, update_log: UpdateLog, in_flight: InFlight,
    redis: "Redis | None" = None,
) -> Dispatcher:
    """One place that wires storage, middlewares, routers, the error handler and workflow data.

    `settings` and `policy` are workflow data, set once; the middleware adds what is per update.
    """
    # Redis also locks each chat across processes; one process needs only its own lock.
    isolation = storage.create_isolation() if hasattr(storage, "create_isolation") else SimpleEventIsolation()
    dispatcher = TrackingDispatcher(in_flight=in_flight, storage=storage, events_isolation=isolation,
                                    settings=settings, policy=shop_policy(settings))
    batch = storage.batch if isinstance(storage, SqlStorage) else nullcontext
    flood = FloodGuard(create_flood_control(settings, redis), _owners(settings), settings.default_language)
    dispatcher.update.outer_middleware(
        ContextMiddleware(database, settings.default_language, update_log, flood, batch)
    )
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(*handlers.create_routers())
    dispatcher.errors.register(on_error)
    return dispatcher


def pin_response_models() -> list[type]:
    """Keep every `Response[T]` model aiogram builds per API call alive.

    pydantic caches parametrised generics weakly; under load the garbage collector frees them
    and aiogram rebuilds the schema on the next call, which cost about a third of the bot's CPU
    in benchmarks/updates.py. Building each once and holding it makes the cache hit every time.
    """
    from aiogram import methods
    from aiogram.client.session.base import Response

    returning_types = {getattr(getattr(methods, name), "__returning__", None) for name in methods.__all__}
    return [Response[kind] for kind in returning_types if kind is not None and not isinstance(kind, property)]


PINNED_RESPONSE_MODELS = pin_response_models()


def create_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    session = None
    if settings.telegram_api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    return bot
