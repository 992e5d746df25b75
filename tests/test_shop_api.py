"""The shop integration API over real HTTP on both databases: signed requests work, others are refused."""

import json
import socket
import time

import aiohttp
import pytest
from sqlalchemy import select

from models.members import format_member_no
from models.orders import Order, Product, format_order_no
from services import orders
from services.orders import ProductSpec
from services.signing import signature
from tests.conftest import BotEnv, unique


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SECRET = "shop-api-test-secret"
PORT = _free_port()
BOT_SETTINGS = {"shop_api_secret": SECRET, "shop_api_port": PORT, "shop_api_host": "127.0.0.1"}


class ShopClient:
    """What the shop's own system does: sign each request with the shared secret."""

    def __init__(self, secret: str = SECRET, skew: int = 0) -> None:
        self.secret, self.skew = secret.encode(), skew

    async def call(self, method: str, path: str, payload: object = None, *, raw: bytes | None = None,
                   sign: bool = True) -> tuple[int, dict]:
        body = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        timestamp = str(int(time.time()) + self.skew)
        headers = {"Content-Type": "application/json", "X-Shop-Timestamp": timestamp}
        if sign:
            headers["X-Shop-Signature"] = signature(self.secret, timestamp, method, path, body)
        async with aiohttp.ClientSession() as session:
            async with session.request(method, f"http://127.0.0.1:{PORT}{path}", data=body, headers=headers) as reply:
                return reply.status, await reply.json()


@pytest.fixture
async def sku(bot_env: BotEnv) -> str:
    code = unique("sku")
    await orders.add_product(bot_env.uow(), ProductSpec("茶杯", "Cup", 2_500, 3, sku=code))
    return code


async def test_the_shop_creates_an_order_once_ships_it_and_reads_points(bot_env: BotEnv, member, sku: str) -> None:
    shop, member_no = ShopClient(), format_member_no(member.member_id)
    order = {"member_no": member_no, "external_ref": unique("web"), "lines": [{"sku": sku, "quantity": 2}]}
    status, created = await shop.call("POST", "/api/v1/orders", order)
    assert status == 201 and created["status"] == "pending_payment" and created["total"] == 5_000
    status, again = await shop.call("POST", "/api/v1/orders", order)
    assert status == 200 and again["order_no"] == created["order_no"]  # idempotent on external_ref
    assert await bot_env.probe.scalar(select(Product.stock).where(Product.sku == sku)) == 1
    path = f"/api/v1/orders/{created['order_no']}/status"
    status, refused = await shop.call("POST", path, {"status": "shipped"})
    assert status == 409 and refused["error"] == "order-illegal-transition"  # not paid yet
    order_id = await bot_env.probe.scalar(select(Order.id).where(Order.external_ref == order["external_ref"]))
    assert format_order_no(order_id) == created["order_no"]
    status, points = await shop.call("GET", f"/api/v1/members/{member_no}/points")
    assert status == 200 and points["member_no"] == member_no and points["available"] >= 0


async def test_bad_input_gets_json_errors_with_fitting_statuses(bot_env: BotEnv, member, sku: str) -> None:
    shop, member_no = ShopClient(), format_member_no(member.member_id)
    cases = [
        ("POST", "/api/v1/orders", {"member_no": "M999999", "external_ref": "x1", "lines": [{"sku": sku, "quantity": 1}]}, 404),
        ("POST", "/api/v1/orders", {"member_no": member_no, "external_ref": "x2", "lines": [{"sku": "nope", "quantity": 1}]}, 404),
        ("POST", "/api/v1/orders", {"member_no": member_no, "external_ref": "x3", "lines": [{"sku": sku, "quantity": 0}]}, 400),
        ("POST", "/api/v1/orders", {"member_no": member_no, "external_ref": "x4", "lines": "two cups"}, 400),
        ("POST", "/api/v1/orders", {"member_no": member_no, "external_ref": "x5", "lines": [{"sku": sku, "quantity": 9}]}, 409),
        ("POST", "/api/v1/orders/O99999999/status", {"status": "shipped"}, 404),
        ("POST", f"/api/v1/orders/{format_order_no(1)}/status", {"status": "paid"}, 400),
        ("GET", "/api/v1/members/nobody/points", None, 404),
    ]
    for method, path, payload, expected in cases:
        status, body = await shop.call(method, path, payload)
        assert (path, status) == (path, expected) and isinstance(body.get("error"), str)
    status, body = await shop.call("POST", "/api/v1/orders", raw=b"{not json")
    assert status == 400 and body["error"] == "api-json"
    assert await shop.call("GET", "/api/v1/nothing-here") == (404, {"error": "http-404"})
    assert (await shop.call("DELETE", "/api/v1/orders"))[0] == 405


async def test_unsigned_wrongly_signed_old_or_replayed_elsewhere_requests_are_refused(bot_env: BotEnv, member) -> None:
    path = f"/api/v1/members/{format_member_no(member.member_id)}/points"
    assert (await ShopClient().call("GET", path, sign=False))[0] == 401
    assert (await ShopClient(secret="guessed").call("GET", path))[0] == 401
    status, body = await ShopClient(skew=-3_600).call("GET", path)
    assert status == 401 and body["error"] == "api-signature-stale"
    timestamp, shop = str(int(time.time())), ShopClient()
    signed_for_points = signature(SECRET.encode(), timestamp, "GET", path, b"")
    headers = {"X-Shop-Timestamp": timestamp, "X-Shop-Signature": signed_for_points}
    async with aiohttp.ClientSession() as session:  # the same signature on another path
        other = f"http://127.0.0.1:{PORT}/api/v1/members/{format_member_no(member.member_id + 1)}/points"
        async with session.get(other, headers=headers) as reply:
            assert reply.status == 401
    assert (await shop.call("GET", path))[0] == 200
