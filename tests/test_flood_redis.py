"""With REDIS_URL flood control lives in Redis, so the limit holds across bot processes."""

from tests.conftest import REDIS_TEST_URL
from tests.test_flood import BURST, test_thirty_messages_at_once_get_one_notice_and_the_rest_is_dropped

BOT_SETTINGS = {"flood_burst": BURST, "flood_rate": 1.0, "redis_url": REDIS_TEST_URL}
BOT_DATABASES = ("sqlite",)

__all__ = ["test_thirty_messages_at_once_get_one_notice_and_the_rest_is_dropped"]
