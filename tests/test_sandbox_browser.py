"""The sandbox chat page in a real browser (Debian's Chromium driven by Playwright), against the real bot."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from models import Member
from sandbox.runner import Sandbox, sandbox_users
from sandbox.web import SandboxUser
from services import accounts
from services.unit_of_work import UnitOfWork
from tests.conftest import service_unavailable, unique
from tests.texts import ANY, pattern, shown, t

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = "<img src=x onerror=alert(1)>"
ALICE, BOB, OWNER, MALLORY = 10001, 10002, 10000, 10666
PASSWORD = "correct-horse-9"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium; missing, the tests skip (fail under MEMBER_BOT_REQUIRE_SERVICES=1)."""
    if not CHROMIUM.exists():
        service_unavailable("Chromium (/usr/bin/chromium)", FileNotFoundError(CHROMIUM))
    try:
        from playwright.async_api import async_playwright
    except ImportError as error:
        service_unavailable("Playwright for Python", error)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture(scope="module")
async def sandbox(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Sandbox]:
    """What `run_bot.py --sandbox` starts, on a temporary database and a free port; plus a user with a hostile name."""
    path = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{path}",
        bcrypt_rounds=4,
        owner_ids=[],
        redis_url=None,
        webhook_url=None,
    )
    users = [*sandbox_users(settings), SandboxUser(MALLORY, XSS, "en", username="mallory")]
    sandbox = Sandbox(settings, port=0, users=users)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
async def page(browser: Browser, sandbox: Sandbox, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh tab; afterwards a screenshot in test-artifacts/, and no script errors or bad Bot API calls."""
    from playwright.async_api import expect

    expect.set_options(timeout=8000)
    context = await browser.new_context(viewport={"width": 1100, "height": 760})
    context.set_default_timeout(8000)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("dialog", lambda dialog: problems.append(f"a dialog opened: {dialog.message}"))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"sandbox-{request.node.name}.png")
    await context.close()
    api_errors = [f"{record.method}: {record.error}" for record in sandbox.emulator.errors]
    sandbox.emulator.clear_errors()
    assert not problems and not api_errors, problems + api_errors


def bot_message(page: Page, text: str) -> Locator:
    return page.locator(".row.in", has_text=text).last


def by_id(page: Page, message_id: str | None) -> Locator:
    return page.locator(f'[data-message-id="{message_id}"]')


async def type_and_send(page: Page, text: str) -> None:
    box = page.locator("#text")
    await box.click()
    await box.press_sequentially(text)
    await box.press("Enter")


async def open_chat(page: Page, sandbox: Sandbox, user_id: int) -> None:
    await page.goto(f"{sandbox.url}/#user={user_id}")
    await page.locator(f'#messages[data-user="{user_id}"]').wait_for(state="attached")  # the chat is drawn


async def make_member(sandbox: Sandbox, user_id: int) -> str:
    """A registered member bound to this Telegram user, made through the services (fast set-up)."""
    assert sandbox.app is not None
    name = unique("m")
    uow = UnitOfWork(sandbox.app.database)
    await accounts.create_account(uow, name, PASSWORD, f"{name}@example.com", None, rounds=4)
    await accounts.login(uow, name, PASSWORD, user_id)
    return name


async def test_new_member_joins_in_the_page(page: Page, sandbox: Sandbox) -> None:
    """Quick join: consent, the optional marketing question, "Share my number", and the member exists."""
    from playwright.async_api import expect

    first_name = sandbox.emulator.users[ALICE].first_name
    await open_chat(page, sandbox, ALICE)
    await page.locator("#start-button").click()
    welcome = bot_message(page, shown("start-guest", name=first_name))
    await expect(welcome).to_be_visible()
    welcome_id = await welcome.get_attribute("data-message-id")

    await welcome.get_by_role("button", name=t("btn-register"), exact=True).click()
    question = by_id(page, welcome_id)
    await expect(question).to_contain_text(shown("reg-ask-privacy", url=sandbox.settings.privacy_policy_url))
    await expect(question.locator(".edited")).to_be_visible()  # the welcome bubble itself became the question
    await expect(question.locator("a.link")).to_have_attribute("href", re.compile(r"^https://"))
    await question.get_by_role("button", name=t("btn-accept"), exact=True).click()
    await expect(question).to_contain_text(shown("reg-ask-marketing"))
    await question.get_by_role("button", name=t("btn-yes"), exact=True).click()

    await page.locator("#reply-keyboard button", has_text=t("btn-share-phone")).click()
    phone = sandbox.emulator.users[ALICE].phone_number
    await expect(page.locator(".row.out .contact")).to_contain_text(phone)
    await expect(page.locator("#reply-keyboard")).to_be_hidden()
    await expect(page.locator(".row.in").last).to_contain_text(
        pattern("start-member", name=first_name, member_no=ANY, points=sandbox.settings.welcome_points)
    )
    menu = page.locator(".row.in").last
    await expect(menu.locator("b", has_text=first_name)).to_be_visible()  # entity offsets in UTF-16, after an emoji
    await expect(menu.locator("code")).to_have_text(re.compile(r"^M\d+$"))

    assert sandbox.app is not None
    async with sandbox.app.database.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == ALICE))
    assert member is not None and member.username is None and member.phone == phone

    await menu.get_by_role("button", name=t("btn-card"), exact=True).click()
    await page.wait_for_function(
        "() => [...document.querySelectorAll('img.photo')].some((img) => img.complete && img.naturalWidth > 0)"
    )


async def test_inline_buttons_edit_in_place_and_show_the_toast(page: Page, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await make_member(sandbox, BOB)
    await open_chat(page, sandbox, BOB)
    await type_and_send(page, "/profile")
    profile = bot_message(page, t("btn-marketing-on", "en"))
    await expect(profile).to_be_visible()
    profile = by_id(page, await profile.get_attribute("data-message-id"))
    await profile.locator("button", has_text=t("btn-marketing-on", "en")).click()
    await expect(page.locator("#toast")).to_have_text(t("profile-saved", "en"))  # answerCallbackQuery's text
    await expect(profile.locator("button", has_text=t("btn-marketing-off", "en"))).to_be_visible()  # same bubble, edited
    await expect(profile.locator(".edited")).to_be_visible()


async def test_users_switch_and_chat_side_by_side_with_their_own_menus(page: Page, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await open_chat(page, sandbox, OWNER)
    await expect(page.locator(".user.active")).to_contain_text("Owner")
    await expect(page.locator(".user.active .badge")).to_contain_text("owner")

    other = await page.context.new_page()  # a second tab: Bob, beside the owner
    await open_chat(other, sandbox, BOB)
    before = await other.locator(".row").count()
    await page.locator("#start-button").click()
    await expect(bot_message(page, shown("start-guest", name=sandbox.emulator.users[OWNER].first_name))).to_be_visible()
    await expect(other.locator(".row")).to_have_count(before)  # the owner's chat stayed the owner's
    await other.close()

    await page.locator(".user", has_text="Bob").click()
    await expect(page).to_have_url(re.compile(f"#user={BOB}$"))
    await expect(page.locator("#as-user")).to_contain_text("Bob")
    await page.locator("#menu-button").click()
    await expect(page.locator(".command-item", has_text="/profile")).to_contain_text(t("cmd-profile", "en"))
    await page.locator(".user", has_text="Alice").click()
    await page.locator(f'#messages[data-user="{ALICE}"]').wait_for(state="attached")
    await page.locator("#text").press_sequentially("/pro")
    await expect(page.locator(".command-item")).to_have_count(1)
    await expect(page.locator(".command-item")).to_contain_text(t("cmd-profile"))


async def test_names_and_messages_are_shown_as_text_never_as_html(page: Page, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await open_chat(page, sandbox, MALLORY)
    await expect(page.locator(".user", has_text=XSS)).to_be_visible()  # the switcher shows the name as text
    await page.locator("#start-button").click()
    await expect(bot_message(page, XSS)).to_be_visible()  # the bot's greeting quotes the name
    typed = f"{XSS}<script>alert(2)</script><b>bold?</b>"
    await type_and_send(page, typed)
    await expect(page.locator(".row.out").last.locator(".text")).to_have_text(typed)
    await expect(page.locator(".row.in")).to_have_count(2)  # the bot's answer is drawn too
    assert await page.locator("#messages img, #messages script, #messages b:has-text('bold?'), .users img").count() == 0


INVOICE = {
    "chat_id": BOB,
    "title": "Gift card",
    "description": "A gift card for the shop",
    "payload": "sandbox-gift",
    "provider_token": "TEST:sandbox",
    "currency": "CNY",
    "prices": [{"label": "Gift card", "amount": 1234}],
}


async def send_invoice(sandbox: Sandbox) -> dict[str, Any]:
    """An invoice as the bot would send it (the bot has no payments yet)."""
    status, body = await sandbox.emulator.execute("sendInvoice", dict(INVOICE))
    assert status == 200, body
    return body["result"]


async def test_invoice_is_a_card_with_a_test_pay_button(page: Page, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await open_chat(page, sandbox, BOB)
    sent = await send_invoice(sandbox)
    card = by_id(page, str(sent["message_id"]))
    await expect(card.locator(".invoice-title")).to_have_text("Gift card")
    await expect(card.locator(".invoice-total")).to_contain_text("12.34")
    await expect(card.locator("button.pay")).to_contain_text("Pay (test)")


@pytest.fixture
def bot_takes_payments(sandbox: Sandbox) -> None:
    """Skips until the bot answers pre_checkout_query (listed before `page`, so no tab opens for nothing)."""
    assert sandbox.app is not None
    if "pre_checkout_query" not in sandbox.app.dispatcher.resolve_used_update_types():
        pytest.skip("the bot has no payments yet; tests/test_sandbox_web.py covers the page's payment API")


async def test_member_pays_a_test_invoice_in_the_page(bot_takes_payments: None, page: Page, sandbox: Sandbox) -> None:
    """An invoice the bot never issued: its pre-checkout answer refuses it, and the page shows why."""
    from playwright.async_api import expect

    await open_chat(page, sandbox, BOB)
    sent = await send_invoice(sandbox)
    await by_id(page, str(sent["message_id"])).locator("button.pay").click()
    await expect(page.locator("#alert:not([hidden])")).to_contain_text(t("error-payment-invalid", "en"))
    await expect(page.locator(".row.service", has_text="Paid")).to_have_count(0)


async def test_member_buys_a_demo_product_and_pays_in_the_page(
    bot_takes_payments: None, page: Page, sandbox: Sandbox
) -> None:
    """The sandbox's demo catalog: /shop, a product, the cart, checkout, the invoice paid from the page."""
    from playwright.async_api import expect

    from services.errors import NotAllowed

    with suppress(NotAllowed):  # Bob may be a member already (an earlier test of this module)
        await make_member(sandbox, BOB)
    await open_chat(page, sandbox, BOB)
    await type_and_send(page, "/shop")
    shop = bot_message(page, "Drip coffee (10 bags)")
    await expect(shop).to_be_visible()
    shop = by_id(page, await shop.get_attribute("data-message-id"))  # this bubble, edited step by step
    await shop.get_by_role("button", name="Drip coffee (10 bags)", exact=True).click()
    await shop.get_by_role("button", name=t("shop-btn-add", "en"), exact=True).click()
    await expect(page.locator("#toast")).to_have_text(t("shop-added", "en", count=1))
    await shop.get_by_role("button", name=t("shop-btn-cart-plain", "en"), exact=True).click()
    await shop.get_by_role("button", name=t("cart-btn-checkout", "en"), exact=True).click()
    await shop.get_by_role("button", name=t("checkout-btn-no-points", "en"), exact=True).click()
    await shop.get_by_role("button", name=t("checkout-btn-pay", "en", amount="CN¥45.00"), exact=True).click()
    await expect(shop).to_contain_text(pattern("order-placed", "en", number=ANY, until=ANY))
    invoice = page.locator('.row.in[data-kind="invoice"]').last
    await expect(invoice.locator(".invoice-total")).to_contain_text("45.00")
    await invoice.locator("button.pay").click()
    await expect(page.locator(".row.service", has_text="Paid").last).to_be_visible()
    await expect(bot_message(page, "Payment received")).to_contain_text(
        pattern("order-paid", "en", number=ANY, points=ANY))


async def test_pay_button_runs_pre_checkout_and_shows_the_payment(browser: Browser) -> None:
    """The page's side of a payment, with the test playing a bot that approves (until the real bot can)."""
    from playwright.async_api import expect

    from sandbox.emulator import TelegramEmulator
    from sandbox.runner import SANDBOX_TOKEN
    from sandbox.web import ChatPage

    async with TelegramEmulator(token=SANDBOX_TOKEN) as emulator:
        chat = ChatPage(emulator, sandbox_users(Settings(_env_file=None, owner_ids=[])))
        emulator.users[BOB].open_chat()
        await chat.start("127.0.0.1", 0)
        context = await browser.new_context(viewport={"width": 1100, "height": 760})
        context.set_default_timeout(8000)
        try:
            page = await context.new_page()
            await page.goto(f"{chat.url}/#user={BOB}")
            await page.locator(f'#messages[data-user="{BOB}"]').wait_for(state="attached")
            status, sent = await emulator.execute("sendInvoice", dict(INVOICE))
            assert status == 200, sent
            await page.locator("button.pay").click()
            status, body = await emulator.execute("getUpdates", {"timeout": 5})
            [query] = [update["pre_checkout_query"] for update in body["result"] if "pre_checkout_query" in update]
            await emulator.execute("answerPreCheckoutQuery", {"pre_checkout_query_id": query["id"], "ok": True})
            await expect(page.locator(".row.service", has_text="Paid")).to_be_visible()
            await expect(page.locator("#toast")).to_contain_text("Payment successful")
            await expect(page.locator("button.pay")).to_have_text(re.compile("Paid"))
            await expect(page.locator("button.pay")).to_be_disabled()
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=ARTIFACTS / "sandbox-test_pay_button_runs_pre_checkout_and_shows_the_payment.png")
        finally:
            await context.close()
            await chat.stop()
        assert not emulator.errors


async def test_phone_width_scrolls_the_messages_and_keeps_the_input_in_view(browser: Browser, sandbox: Sandbox) -> None:
    """390x844 (a phone): the list scrolls, opens at the newest message, the input stays visible, /commands tap."""
    from playwright.async_api import expect

    from services.errors import NotAllowed

    with suppress(NotAllowed):  # Bob may be a member already (an earlier test of this module)
        await make_member(sandbox, BOB)
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(8000)
    page = await context.new_page()
    try:
        await open_chat(page, sandbox, BOB)
        if await page.locator("#start-button").is_visible():
            await page.locator("#start-button").click()
            await expect(page.locator(".row.in")).to_have_count(1)
        for _ in range(6):
            await type_and_send(page, "/help")
        await expect(page.locator(".row.in", has_text=shown("help", "en").splitlines()[0])).to_have_count(6)
        page = await context.new_page()  # opened afresh on a long chat
        await open_chat(page, sandbox, BOB)
        await expect(page.locator(".row.in").last).to_be_in_viewport()
        box = page.locator("#messages")
        sizes = await box.evaluate("b => [b.scrollHeight, b.clientHeight, b.scrollTop]")
        assert sizes[0] > sizes[1] and sizes[0] - sizes[1] - sizes[2] < 4, sizes  # scrollable, at the bottom
        assert await page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")  # no page scroll
        await expect(page.locator("#text")).to_be_in_viewport()
        text_box = await page.locator("#text").bounding_box()
        assert text_box is not None and text_box["y"] + text_box["height"] <= 844
        # a /command inside a bot message is tappable, as in Telegram
        command = page.locator(".row.in").last.locator(".command", has_text="/points")
        await command.click()
        await expect(page.locator(".row.in").last).to_contain_text(
            pattern("points-overview", "en", available=ANY, frozen=ANY, expiring=ANY, tier=ANY, progress=ANY)
        )
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTIFACTS / "sandbox-phone-390x844.png")
    finally:
        await context.close()
    errors = [f"{record.method}: {record.error}" for record in sandbox.emulator.errors]
    sandbox.emulator.clear_errors()
    assert not errors, errors
