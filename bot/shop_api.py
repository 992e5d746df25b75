"""The shop integration API over HTTP (aiohttp): signed requests from the shop's own system.

Routes (JSON in and out; every request signed, see services/signing.py and the README):

    POST /api/v1/orders                       create an order for a member (idempotent on external_ref)
    POST /api/v1/orders/{order_no}/status     move a paid order to shipped or delivered
    GET  /api/v1/members/{member_no}/points   a member's points

Errors are JSON `{"error": code}` with the fitting HTTP status: 400 bad input, 401 bad or old
signature, 404 unknown member/order/product, 409 a state that does not allow it, 413 too large.
It runs on the webhook server when webhooks are on, else on its own port; off without a secret.
"""

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from models.database import Database
from models.orders import format_order_no, parse_order_no
from services.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from services.orders import api_orders, lifecycle
from services.orders.api_orders import ApiLine
from services.policy import ShopPolicy
from services.signing import SignatureRejected, verify
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
STATUSES = ("shipped", "delivered")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _status_of(error: DomainError) -> int:
    if isinstance(error, SignatureRejected):
        return 401
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict) and error.code.startswith("api-external-ref"):
        return 409
    if isinstance(error, InvalidInput):
        return 400
    if isinstance(error, NotAllowed):
        return 409
    return 400


def _error(status: int, code: str, details: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": code, **({"details": details} if details else {})}, status=status)


class ShopApi:
    """The routes and the signature check in front of them."""

    def __init__(
        self, database: Callable[[], Database | None], policy: ShopPolicy, secret: bytes, max_skew: int,
    ) -> None:
        """`database` is asked per request: routes are registered before the bot has started (bot/webapp.py)."""
        self.database, self.policy, self.secret, self.max_skew = database, policy, secret, max_skew

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/v1/orders", self._guarded(self.create_order))
        app.router.add_post("/api/v1/orders/{order_no}/status", self._guarded(self.set_status))
        app.router.add_get("/api/v1/members/{member_no}/points", self._guarded(self.member_points))

    def _guarded(self, handler: Callable[[web.Request, UnitOfWork, Any], Awaitable[web.Response]]) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            if request.content_length and request.content_length > MAX_BODY:
                return _error(413, "api-too-large")
            try:
                body = await request.content.read(MAX_BODY + 1)
                if len(body) > MAX_BODY:
                    return _error(413, "api-too-large")
                verify(self.secret, request.headers.get("X-Shop-Timestamp"), request.headers.get("X-Shop-Signature"),
                       request.method, request.path, body, time.time(), self.max_skew)
                payload = _json(body) if request.method == "POST" else None
                database = self.database()
                if database is None:
                    return _error(503, "api-starting")
                uow = UnitOfWork(database)
                try:
                    return await handler(request, uow, payload)
                finally:
                    await uow.close()
            except DomainError as error:
                status = _status_of(error)
                if status == 401:
                    log.warning("shop API: %s rejected (%s) from %s", request.path, error.code, request.remote)
                return _error(status, error.code, details={k: str(v) for k, v in error.params.items()})
        return guarded

    async def create_order(self, request: web.Request, uow: UnitOfWork, payload: dict) -> web.Response:
        lines = payload.get("lines")
        if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
            raise InvalidInput("api-lines", "lines")
        try:
            parsed = [ApiLine(str(line["sku"]), int(line["quantity"])) for line in lines]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput("api-lines", "lines") from None
        done = await api_orders.create_order(
            uow, str(payload.get("member_no", "")), parsed, str(payload.get("external_ref", "")),
            self.policy.orders, self.policy.currency,
        )
        return web.json_response(_order_json(done.order), status=201 if done.created else 200)

    async def set_status(self, request: web.Request, uow: UnitOfWork, payload: dict) -> web.Response:
        order_id = parse_order_no(request.match_info["order_no"])
        status, tracking = payload.get("status"), payload.get("tracking")
        if order_id is None:
            raise NotFound("order-not-found")
        if status not in STATUSES or (tracking is not None and not isinstance(tracking, str)):
            raise InvalidInput("api-status", "status")
        order = await lifecycle.advance(uow, order_id, status, "api",
                                        return_window=self.policy.return_window, tracking=tracking)
        return web.json_response(_order_json(order))

    async def member_points(self, request: web.Request, uow: UnitOfWork, _: None) -> web.Response:
        found = await api_orders.member_points(uow, request.match_info["member_no"])
        return web.json_response({"member_no": found.member_no, "available": found.available,
                                  "frozen": found.frozen, "tier": found.tier})


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown paths and methods answer in JSON too, on the API's own port."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _error(error.status, f"http-{error.status}")


def _json(body: bytes) -> dict:
    try:
        payload = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("api-json") from None
    if not isinstance(payload, dict):
        raise InvalidInput("api-json")
    return payload


def _order_json(order: Any) -> dict:
    return {"order_no": format_order_no(order.id), "status": order.status, "total": order.total,
            "currency": order.currency, "external_ref": order.external_ref}
