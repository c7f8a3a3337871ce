"""The website widget: its API over HTTP, then the real widget in headless Chromium (the demo
page, a partner's site on another origin, languages, right-to-left, hostile text, keyboard,
phone width, a network drop). Screenshots: tests/artifacts/widget/."""

from __future__ import annotations

import concurrent.futures
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from aiohttp import web

from bot.i18n import Catalog
from tests.auxil.browser import chromium, screenshot, wait_until
from tests.auxil.local_server import LocalServer
from tests.auxil.stack import Stack, free_port, start_stack

pytestmark = pytest.mark.server

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@dataclass
class PartnerSite(LocalServer):
    """A partner organisation's website on another origin, embedding the widget with one tag."""

    port: int = field(default_factory=free_port)
    assistant: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _page(self, request: web.Request) -> web.Response:
        page = f"""<!doctype html><html lang="es"><head><meta charset="utf-8">
<title>Partner</title></head><body><h1>Asociación de ejemplo</h1>
<script src="{self.assistant}/widget/imentor-widget.js" defer data-server="{self.assistant}"
 data-language="es" data-title="Pregunte a i-Mentor" data-colour="#ffd400"></script>
</body></html>"""
        return web.Response(text=page, content_type="text/html")

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/", self._page)


@pytest.fixture(scope="module")
def site() -> Iterator[PartnerSite]:
    server = PartnerSite().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory: pytest.TempPathFactory, site: PartnerSite) -> Iterator[Stack]:
    env = {"WIDGET_ALLOWED_ORIGINS": site.url}
    stack = start_stack(Path(tmp_path_factory.mktemp("widget")), env_extra=env)
    site.assistant = stack.url
    yield stack
    stack.stop()


def post(stack: Stack, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return httpx.post(f"{stack.url}/widget/{path}", content=content, headers=headers, timeout=30)


def new_session(stack: Stack) -> str:
    answer = post(stack, "session", {})
    assert answer.status_code == 200
    return answer.json()["session"]


# ---- the API -------------------------------------------------------------------------------


def test_a_conversation_over_the_widget_api(web_stack: Stack, book: Catalog) -> None:
    session = new_session(web_stack)
    first = post(web_stack, "message", {"session": session, "client_id": "c0000001", "start": True})
    assert first.status_code == 200
    texts = [m["text"] for m in first.json()["messages"]]
    assert texts[0] == book.text("utter_greet", "en")
    menu = first.json()["messages"][-1]
    assert menu["text"] == book.text("utter_main_menu", "en")
    assert [b["title"] for b in menu["buttons"]][0] == book.text("button_menu_ask", "en")
    after = menu["at"]

    question = "How do I register as self-employed in Spain?"
    body = {"session": session, "client_id": "c0000002", "text": question, "after": after}
    reply = post(web_stack, "message", body).json()["messages"]
    assert reply[0] == {"at": reply[0]["at"], "from": "user", "text": question, "id": "c0000002"}
    assert reply[1]["text"].startswith("Becoming self-employed")
    assert all(m["at"] > after for m in reply)

    # a tapped button: its signed payload goes back, and shows as the button's title
    more = next(b for b in reply[-1]["buttons"] if b["title"] == book.text("button_more", "en"))
    tapped = {"session": session, "client_id": "c0000003", "text": more["payload"]}
    shown = post(web_stack, "message", {**tapped, "after": reply[-1]["at"]}).json()["messages"]
    assert shown[0]["from"] == "user" and shown[0]["text"] == more["title"]
    assert len(shown) > 1

    # the whole conversation can be read back (a reload), older buttons no longer offered
    history = post(web_stack, "history", {"session": session}).json()["messages"]
    assert [m["text"] for m in history[: len(texts)]] == texts
    assert "buttons" not in history[len(texts) - 1]


def test_the_language_switcher_and_the_language_she_writes_in(
    web_stack: Stack, book: Catalog
) -> None:
    session = new_session(web_stack)
    start = {"session": session, "client_id": "c1000001", "start": True, "language_hint": "fi"}
    greeting = post(web_stack, "message", start).json()
    assert greeting["messages"][0]["text"] == book.text("utter_greet", "fi")
    assert greeting["language"] == "fi"
    switched = post(
        web_stack, "message", {"session": session, "client_id": "c1000002", "language": "ar"}
    ).json()
    assert switched["language"] == "ar"
    assert switched["messages"][0]["from"] == "bot"  # the switch itself is not shown as hers
    assert book.text("utter_language_changed", "ar") in [m["text"] for m in switched["messages"]]
    wrong = post(
        web_stack, "message", {"session": session, "client_id": "c1000003", "language": "xx"}
    )
    assert wrong.status_code == 400


def test_a_resent_message_is_processed_once_and_its_reply_found_again(web_stack: Stack) -> None:
    session = new_session(web_stack)
    body = {"session": session, "client_id": "resend-0001", "text": "How do I find funding?"}
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: post(web_stack, "message", body), range(5)))
    assert all(a.status_code == 200 for a in answers)
    assert sum(1 for a in answers if a.json().get("duplicate")) == 4
    history = post(web_stack, "history", {"session": session}).json()["messages"]
    mine = [m for m in history if m["from"] == "user"]
    assert [m["id"] for m in mine] == ["resend-0001"]
    assert history[-1]["from"] == "bot"  # the reply is there for the copy whose answer was lost


def test_sessions_are_the_servers_and_cannot_be_forged_or_taken_over(web_stack: Stack) -> None:
    session = new_session(web_stack)
    assert session != new_session(web_stack)
    version, conversation, mac = session.split(".")
    forged = [
        f"{version}.{conversation}.{'0' * 32}",
        f"{version}.{'A' * 22}.{mac}",  # someone else's id with this mac
        "web-" + conversation,
        "",
        None,
        ["list"],
    ]
    for token in forged:
        answer = post(
            web_stack, "message", {"session": token, "client_id": "c2000001", "text": "hi"}
        )
        assert answer.status_code == 401, token
        assert post(web_stack, "history", {"session": token}).status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        ({"client_id": "c3000001", "text": "hi"}, 401),
        ({"client_id": "short", "text": "hi"}, 400),
        ({"client_id": "c3000002", "text": "   "}, 400),
        ({"client_id": "c3000003", "text": "x" * 5000}, 413),
        ({"client_id": "c3000004", "text": 42}, 400),
        (b"{" + b'"a": "' + b"x" * 70_000 + b'"}', 413),
    ],
)
def test_bad_requests_get_a_clear_error(web_stack: Stack, body: Any, status: int) -> None:
    if isinstance(body, dict) and status != 401:
        body = {"session": new_session(web_stack), **body}
    answer = post(web_stack, "message", body)
    assert answer.status_code == status
    assert answer.json()["error"]


def test_only_listed_origins_may_use_it_from_their_pages(
    web_stack: Stack, site: PartnerSite
) -> None:
    # the widget posts JSON as text/plain: a CORS simple request, with no preflight
    allowed = httpx.post(
        f"{web_stack.url}/widget/session",
        content=b"{}",
        headers={"Origin": site.url, "Content-Type": "text/plain;charset=UTF-8"},
    )
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == site.url
    other = httpx.post(
        f"{web_stack.url}/widget/session", json={}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


def test_the_demo_page_and_files(web_stack: Stack) -> None:
    demo = httpx.get(f"{web_stack.url}/widget/demo")
    assert demo.status_code == 200
    policy = demo.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert '<script src="/widget/imentor-widget.js"' in demo.text
    script = httpx.get(f"{web_stack.url}/widget/imentor-widget.js")
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "innerHTML" not in script.text  # text is only ever set as text
    assert httpx.get(f"{web_stack.url}/widget/imentor-widget.css").status_code == 200
    assert httpx.get(f"{web_stack.url}/widget/../credentials.yml").status_code == 404
    strings = httpx.get(f"{web_stack.url}/widget/strings").json()
    assert [lang["code"] for lang in strings["languages"]][:2] == ["en", "fi"]
    assert strings["strings"]["ar"]["send"] and strings["strings"]["uk"]["offline"]


# ---- the widget in a real browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture
def page(browser: Any, web_stack: Stack) -> Iterator[Any]:
    """The demo page with a fresh visitor (no stored conversation), at desktop size."""
    browser.set_window_size(1280, 900)
    browser.get(f"{web_stack.url}/widget/demo")
    browser.execute_script("localStorage.clear(); sessionStorage.clear();")
    browser.get(f"{web_stack.url}/widget/demo")
    wait_until(lambda: browser.find_element("css selector", ".imw-launcher"), what="launcher")
    yield browser
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def bubbles(driver: Any, who: str = "bot") -> list[str]:
    """The text of her or the assistant's messages, as shown (without the screen-reader prefix)."""
    return js(
        driver,
        """return Array.from(document.querySelectorAll('.imw-' + arguments[0] + ' .imw-text'))
             .map(p => p.textContent);""",
        who,
    )


def open_chat(driver: Any) -> None:
    driver.find_element("css selector", ".imw-launcher").click()
    wait_until(lambda: len(bubbles(driver)) >= 3, what="the greeting")


def type_message(driver: Any, text: str) -> None:
    box = driver.find_element("css selector", "#imw-input")
    box.send_keys(text)
    driver.find_element("css selector", ".imw-send").click()


def choose_language(driver: Any, code: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("css selector", "#imw-language")).select_by_value(code)


def test_demo_page_language_message_and_button(page: Any, book: Catalog) -> None:
    assert page.find_element("css selector", ".imw-launcher").text.endswith("i-Mentor e-guide")
    open_chat(page)
    assert bubbles(page)[0] == book.text("utter_greet", "en")
    screenshot(page, "01-greeting")

    choose_language(page, "fi")
    wait_until(lambda: book.text("utter_language_changed", "fi") in bubbles(page), what="fi")
    assert page.find_element("css selector", ".imw-send").text == book.text("widget_send", "fi")
    assert page.find_element("css selector", ".imw-title").text == book.text("widget_title", "fi")
    assert js(page, "return document.querySelector('.imw-root').lang") == "fi"

    before = len(bubbles(page))
    type_message(page, "Miten rekisteröidyn yrittäjäksi Suomessa?")
    wait_until(lambda: len(bubbles(page)) > before, what="the answer")
    assert bubbles(page, "user")[-1] == "Miten rekisteröidyn yrittäjäksi Suomessa?"
    wait_until(lambda: page.find_elements("css selector", ".imw-choice"), what="buttons")
    screenshot(page, "02-finnish-answer")

    choices = page.find_elements("css selector", ".imw-choice")
    title = choices[0].text
    before = len(bubbles(page))
    choices[0].click()
    wait_until(lambda: len(bubbles(page)) > before, what="the reply to the button")
    assert bubbles(page, "user")[-1] == title
    assert not page.find_elements("css selector", ".imw-pending")


def test_arabic_is_right_to_left(page: Any, book: Catalog) -> None:
    open_chat(page)
    choose_language(page, "ar")
    wait_until(lambda: book.text("utter_language_changed", "ar") in bubbles(page), what="ar")
    root = page.find_element("css selector", ".imw-root")
    assert root.get_attribute("dir") == "rtl"
    assert js(page, "return getComputedStyle(document.querySelector('.imw-panel')).direction") == (
        "rtl"
    )
    placeholder = page.find_element("css selector", "#imw-input").get_attribute("placeholder")
    assert placeholder == book.text("widget_placeholder", "ar")
    panel = js(page, "return document.querySelector('.imw-panel').getBoundingClientRect().left")
    assert panel < 640  # anchored on the left-hand side for a right-to-left reader
    screenshot(page, "03-arabic-rtl")


def test_hostile_text_is_shown_as_text_and_never_run(page: Any, web_stack: Stack) -> None:
    open_chat(page)
    type_message(page, HOSTILE)
    wait_until(lambda: HOSTILE in bubbles(page, "user"), what="her message")
    wait_until(lambda: not page.find_elements("css selector", ".imw-pending"), what="sent")
    # and again after a reload, when the conversation comes back from the server
    page.refresh()
    page.find_element("css selector", ".imw-launcher").click()
    wait_until(lambda: HOSTILE in bubbles(page, "user"), what="her message from history")
    assert js(page, "return window.__pwned === undefined")
    assert (
        js(page, "return document.querySelectorAll('.imw-root img, .imw-root script').length") == 0
    )
    screenshot(page, "04-hostile-text")


def test_keyboard_and_screen_reader(page: Any, book: Catalog) -> None:
    from selenium.webdriver.common.keys import Keys

    launcher = page.find_element("css selector", ".imw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    page.find_element("css selector", "body").send_keys(Keys.TAB)
    assert js(page, "return document.activeElement.className") == "imw-launcher"
    page.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(lambda: len(bubbles(page)) >= 3, what="the greeting")
    assert launcher.get_attribute("aria-expanded") == "true"
    assert js(page, "return document.activeElement.id") == "imw-input"
    log = page.find_element("css selector", ".imw-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    for control in ("imw-input", "imw-language"):
        label = js(page, f"return document.querySelector('label[for={control}]').textContent")
        assert label
    who = js(page, "return document.querySelector('.imw-bot .imw-who').textContent")
    assert who.strip() == book.text("widget_assistant_said", "en")
    page.switch_to.active_element.send_keys("What is a business angel?", Keys.ENTER)
    wait_until(lambda: bubbles(page, "user")[-1:] == ["What is a business angel?"], what="sent")
    page.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert page.find_element("css selector", ".imw-panel").get_attribute("hidden") is not None
    assert js(page, "return document.activeElement.className") == "imw-launcher"


def test_phone_width(page: Any) -> None:
    page.set_window_size(375, 740)
    open_chat(page)
    width = js(page, "return document.documentElement.clientWidth")  # without the scrollbar
    box = js(page, "return document.querySelector('.imw-panel').getBoundingClientRect().toJSON()")
    assert box["left"] >= 0 and box["right"] <= width + 1 and box["width"] >= width - 1
    assert js(page, "return document.documentElement.scrollWidth") <= width
    send = js(page, "return document.querySelector('.imw-send').getBoundingClientRect().toJSON()")
    assert send["right"] <= width and send["height"] >= 44  # a thumb-sized target on screen
    screenshot(page, "05-phone")


def test_a_network_drop_loses_nothing(page: Any, web_stack: Stack, book: Catalog) -> None:
    open_chat(page)
    page.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    page.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    type_message(page, "How do I open a bank account for my business?")
    wait_until(
        lambda: (
            page.find_element("css selector", ".imw-status").text
            == book.text("widget_offline", "en")
        ),
        what="the offline notice",
    )
    type_message(page, "And what about taxes?")
    assert len(page.find_elements("css selector", ".imw-pending")) == 2
    screenshot(page, "06-offline")
    page.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
    wait_until(
        lambda: not page.find_elements("css selector", ".imw-pending"), timeout=30, what="resent"
    )
    # both reached the assistant, once each and in order, and both were answered
    session = js(
        page,
        """const key = Object.keys(localStorage).find(k => k.startsWith('imentor-widget:'));
           return JSON.parse(localStorage.getItem(key)).token;""",
    )
    history = post(web_stack, "history", {"session": session}).json()["messages"]
    mine = [m["text"] for m in history if m["from"] == "user"]
    assert mine == ["How do I open a bank account for my business?", "And what about taxes?"]
    assert history[-1]["from"] == "bot"
    wait_until(lambda: bubbles(page)[-1] == history[-1]["text"], what="the last answer shown")


def test_a_partner_site_on_another_origin(browser: Any, web_stack: Stack, site: PartnerSite):
    browser.set_window_size(1280, 900)
    browser.get(site.url)
    launcher = wait_until(
        lambda: browser.find_element("css selector", ".imw-launcher"), what="the widget"
    )
    assert launcher.text.endswith("Pregunte a i-Mentor")
    # a yellow brand colour gets dark text: readable (WCAG contrast), whatever colour is chosen
    assert js(browser, "return getComputedStyle(arguments[0]).color", launcher) == "rgb(17, 17, 17)"
    launcher.click()
    wait_until(lambda: len(bubbles(browser)) >= 3, what="the greeting in Spanish")
    assert js(browser, "return document.querySelector('.imw-root').lang") == "es"
    screenshot(browser, "07-partner-site")
