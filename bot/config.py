"""Settings from the environment and `.env` (every one documented in .env.example); plain data only."""

from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Language = Literal["zh", "en"]


class TierSetting(BaseModel):
    """One tier as configured in POINTS_TIERS: `threshold` is minor units spent over 12 months."""

    code: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    names: dict[str, str]
    threshold: int = Field(ge=0)
    multiplier: Decimal = Field(default=Decimal(1), gt=0)


DEFAULT_TIERS = [
    TierSetting(code="normal", names={"zh": "普通会员", "en": "Member"}, threshold=0, multiplier=Decimal(1)),
    TierSetting(code="silver", names={"zh": "银卡会员", "en": "Silver"}, threshold=100_000, multiplier=Decimal("1.2")),
    TierSetting(code="gold", names={"zh": "金卡会员", "en": "Gold"}, threshold=500_000, multiplier=Decimal("1.5")),
    TierSetting(code="diamond", names={"zh": "钻石会员", "en": "Diamond"}, threshold=2_000_000, multiplier=Decimal(2)),
]


def _split_ints(value: object) -> object:
    """"1, 2;3" → [1, 2, 3]: lists of numbers are written comma-separated in .env."""
    if isinstance(value, str):
        return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


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
    # quick: consent, then "Share my number" and the member exists; full: every field up front.
    join_mode: Literal["quick", "full"] = "quick"
    # Points credited once when the member completes e-mail, address and birthday in the profile.
    profile_reward_points: int = Field(default=50, ge=0)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    link_token_ttl_hours: int = Field(default=72, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)

    sandbox_port: int = 8080
    log_level: str = "INFO"

    # Flood control per Telegram user: `flood_burst` updates at once, refilled at `flood_rate` per second.
    flood_rate: float = Field(default=4.0, gt=0)
    flood_burst: int = Field(default=10, ge=1)

    # --- points (PRODUCT.md 2; documented in .env.example "# Points")
    points_earn_rate: Decimal = Field(default=Decimal("0.01"), ge=0)
    points_return_days: int = Field(default=7, ge=0)
    points_reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [30, 7])
    points_history_page_size: int = Field(default=10, ge=1, le=30)
    points_tiers: list[TierSetting] = Field(default_factory=lambda: list(DEFAULT_TIERS))
    background_jobs: bool = True
    # Several processes elect one leader (bot/leader.py) for the jobs, setWebhook and setMyCommands.
    leader_key: str = "member-bot:leader"
    leader_ttl_seconds: float = Field(default=30.0, gt=0)
    checkin_points: int = Field(default=5, ge=0)
    checkin_streak_days: int = Field(default=7, ge=0)
    checkin_streak_bonus: int = Field(default=20, ge=0)
    # --- coupons (PRODUCT.md 3; .env.example "# Coupons")
    welcome_coupon_campaign: str = ""
    coupons_page_size: int = Field(default=5, ge=1, le=20)
    # --- orders and payments (PRODUCT.md 4; .env.example "# Orders and payments")
    payment_provider_token: SecretStr | None = None
    payment_payload_secret: SecretStr | None = None
    order_expiry_minutes: int = Field(default=30, ge=1)
    points_redeem_rate: int = Field(default=100, ge=1)
    points_max_percent: int = Field(default=50, ge=0, le=100)
    referral_points: int = Field(default=100, ge=0)
    shop_page_size: int = Field(default=6, ge=1, le=20)
    orders_page_size: int = Field(default=5, ge=1, le=20)
    # --- after-sale and the shop API (.env.example "# Reviews, returns and the shop API")
    review_points: int = Field(default=20, ge=0)
    shop_api_secret: SecretStr | None = None  # unset: the API is off
    shop_api_host: str = "127.0.0.1"
    shop_api_port: int = 8082  # its own port when webhooks are off
    shop_api_max_skew_seconds: int = Field(default=300, ge=10, le=3600)
    # --- stats and support (PRODUCT.md 5, 8; .env.example "# Stats and support")
    stats_chart_days: int = Field(default=30, ge=7, le=366)
    # --- staff (PRODUCT.md 5; .env.example "# Staff"): above these a second admin or an owner approves
    approval_points_threshold: int = Field(default=1_000, ge=0)
    approval_refund_threshold: int = Field(default=50_000, ge=0)  # minor units
    approval_ttl_hours: int = Field(default=24, ge=1)

    # --- broadcasts (PRODUCT.md 6; .env.example "# Broadcasts")
    # Marketing messages per second, all senders together (Telegram allows about 30 overall).
    broadcast_rate: float = Field(default=25.0, gt=0, le=30)
    # Only for tests and benchmarks against a Bot API double that allows N times Telegram's rates.
    broadcast_time_scale: float = Field(default=1.0, ge=1, le=1000)
    broadcast_batch: int = Field(default=50, ge=1, le=1000)  # rows a sender claims at a time
    broadcast_concurrency: int = Field(default=8, ge=1, le=64)  # sends in flight per sender
    broadcast_max_attempts: int = Field(default=3, ge=1, le=10)  # network errors and 5xx
    # A row still "sending" this long after its claim was left by a dead sender: unknown, not resent.
    broadcast_lease_seconds: float = Field(default=120.0, gt=0)
    broadcast_progress_seconds: float = Field(default=3.0, gt=0)  # progress message edits, at most this often
    broadcast_queue: str = "member-bot:broadcasts"  # Redis list of the task queue (REDIS_URL set)
    broadcast_workers: int = Field(default=2, ge=1, le=32)  # queue tasks per broadcast: workers sharing it

    _owner_ids = field_validator("owner_ids", mode="before")(_split_ints)
    _reminder_days = field_validator("points_reminder_days", mode="before")(_split_ints)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("points_tiers")
    @classmethod
    def _lowest_tier_is_free(cls, value: list[TierSetting]) -> list[TierSetting]:
        if not value or min(tier.threshold for tier in value) != 0:
            raise ValueError("the lowest tier must have threshold 0")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
