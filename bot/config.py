"""Settings from the environment and `.env` (every one documented in .env.example)."""

from decimal import Decimal
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.checkin import CheckinRules
from services.tiers import DEFAULT_TIERS, Tier, Tiers

Language = Literal["zh", "en"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///./data/member_bot.sqlite3"
    redis_url: str | None = None
    telegram_api_base: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8081
    webhook_path: str = "/telegram/webhook"

    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: Language = "zh"
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    shop_name: str = "Member Shop"
    privacy_policy_url: str = "https://example.com/privacy"

    welcome_points: int = Field(default=100, ge=0)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    link_token_ttl_hours: int = Field(default=72, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)

    sandbox_port: int = 8080
    log_level: str = "INFO"

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # --- points (PRODUCT.md 2; documented in .env.example "# Points")
    points_earn_rate: Decimal = Field(default=Decimal("0.01"), ge=0)
    points_return_days: int = Field(default=7, ge=0)
    points_reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [30, 7])
    points_history_page_size: int = Field(default=10, ge=1, le=30)
    points_tiers: list[Tier] = Field(default_factory=lambda: list(DEFAULT_TIERS))
    background_jobs: bool = True
    checkin_points: int = Field(default=5, ge=0)
    checkin_streak_days: int = Field(default=7, ge=0)
    checkin_streak_bonus: int = Field(default=20, ge=0)

    @field_validator("points_reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @cached_property
    def tiers(self) -> Tiers:
        return Tiers(self.points_tiers)

    @property
    def checkin_rules(self) -> CheckinRules:
        return CheckinRules(self.checkin_points, self.checkin_streak_days, self.checkin_streak_bonus)
