"""The founder's console in a real headless Chromium against a real gunicorn, real models, index and log:
a link-only deck refused without a link and opened with one, an e-mail gate, slide views recorded as a
reader scrolls, the dashboard showing them, and a revoked link refused."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import time

import pytest

from app.admin.auth import hash_password
from tests.conftest import EXAMPLE_DECK, make_ingester
from tests.live_server import gunicorn
from tests.test_slide_pictures import make_deck, needs_libreoffice
from tests.helpers.browser import CHROMEDRIVER, CHROMIUM, NO_CHROMIUM, ask_and_wait, chromium, load, screenshot_dir, wait

selenium = pytest.importorskip("selenium", reason="selenium is not installed: run `make test`")
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=NO_CHROMIUM)
PASSWORD = "founder's long password"
DECKS = {"open-deck": "public", "private-deck": "link", "gated-deck": "email"}


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def screenshots(tmp_path):
    return screenshot_dir(tmp_path)


@pytest.fixture(scope="module")
def host_site(tmp_path_factory):
    """A static page on its own origin that embeds the widget."""
    root = tmp_path_factory.mktemp("console_host")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def console_site(embedder, generator, tmp_path_factory, host_site):
    """The example deck three times over: public, link-only and e-mail-gated; the host site may embed each."""
    instance = tmp_path_factory.mktemp("console_instance")
    index_dir = instance / "index_store"
    for name, access in DECKS.items():
        folder = instance / "content" / name
        shutil.copytree(EXAMPLE_DECK, folder)
        settings = folder / "deck.toml"
        text = re.sub(r'(?m)^access = .*$', f'access = "{access}"', settings.read_text())
        settings.write_text(text.replace("allowed_origins = []", f'allowed_origins = ["{host_site[1]}"]'))
        assert make_ingester(index_dir, embedder).ingest(name, folder).ok
    make_deck(instance / "content" / "pptx-deck")  # slide pictures when LibreOffice is installed
    assert make_ingester(index_dir, embedder).ingest("pptx-deck", instance / "content" / "pptx-deck").ok
    env = {"DECKCHAT_CONTENT_DIR": str(instance / "content"), "DECKCHAT_ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
           "DECKCHAT_SECRET_KEY": "console-test-secret", "DECKCHAT_TIMEZONE": "America/New_York"}
    with gunicorn(instance, index_dir, env) as base:
        yield base


ADMIN_COOKIE: dict = {}  # the owner's session, kept between tests: logins are rate-limited (5 a minute)


def log_in(browser, base):
    load(browser, f"{base}/admin/decks/")
    if ADMIN_COOKIE and browser.find_elements(By.ID, "password"):
        browser.add_cookie(ADMIN_COOKIE)
        load(browser, f"{base}/admin/decks/")
    if browser.find_elements(By.ID, "password"):
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait(browser, 20).until(lambda d: "/admin/decks" in d.current_url and not d.find_elements(By.ID, "password"))
        ADMIN_COOKIE.update({k: v for k, v in browser.get_cookie("session").items() if k in ("name", "value", "path")})


def log_out(browser, base):
    """A stranger again: no owner's session, no reader's pass."""
    browser.delete_all_cookies()


def in_chat(browser):
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, ".chat-pane iframe"))


def test_a_link_only_deck_is_refused_without_a_link_opened_with_one_and_refused_once_revoked(browser, console_site):
    base = console_site
    browser.delete_all_cookies()
    load(browser, f"{base}/")
    assert "open-deck" in browser.page_source and "private-deck" not in browser.page_source
    load(browser, f"{base}/decks/private-deck")
    # An error page's document can read as empty for a moment after get() returns (seen once in make test)
    wait(browser, 10).until(lambda d: "Not Found" in d.page_source)
    assert not browser.find_elements(By.CSS_SELECTOR, "figure.page")

    log_in(browser, base)
    load(browser, f"{base}/admin/decks/private-deck")
    browser.find_element(By.NAME, "email").send_keys("ada@fund.example")
    browser.find_element(By.NAME, "name").send_keys("Ada Lovelace")
    browser.find_element(By.CSS_SELECTOR, ".inline-form button").click()
    link = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, ".link-address")).get_attribute("value")
    assert link.startswith("/decks/private-deck?t=")
    log_out(browser, base)

    load(browser, base + link)
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.page img"))
    assert "?t=" not in browser.current_url  # the token left the address bar
    in_chat(browser)
    try:
        answer = ask_and_wait(browser, "How much are they raising?")
        assert "4.5" in answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    finally:
        browser.switch_to.default_content()

    log_in(browser, base)
    load(browser, f"{base}/admin/decks/private-deck")
    assert "Ada Lovelace" in browser.find_element(By.ID, "readers").find_element(By.XPATH, "following-sibling::table").text
    browser.find_element(By.CSS_SELECTOR, "#links ~ table form button").click()
    wait(browser, 20).until(lambda d: "revoked" in d.page_source)
    log_out(browser, base)
    load(browser, base + link)
    # An error page's document can read as empty for a moment after get() returns (seen once in make test)
    wait(browser, 10).until(lambda d: "Not Found" in d.page_source)
    assert not browser.find_elements(By.CSS_SELECTOR, "figure.page")


def test_an_email_gate_opens_the_deck_and_names_the_reader_on_the_dashboard(browser, console_site):
    base = console_site
    browser.delete_all_cookies()
    load(browser, f"{base}/decks/gated-deck")
    assert not browser.find_elements(By.CSS_SELECTOR, "figure.page")
    browser.find_element(By.NAME, "email").send_keys("not-an-address")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # The browser's own check or ours: either way the deck stays shut.
    assert not browser.find_elements(By.CSS_SELECTOR, "figure.page")
    load(browser, f"{base}/decks/gated-deck")
    browser.find_element(By.NAME, "email").send_keys("grace@fund.example")
    browser.find_element(By.NAME, "name").send_keys("Grace Hopper")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.page img"))
    in_chat(browser)
    try:
        ask_and_wait(browser, "Who are the founders?")
    finally:
        browser.switch_to.default_content()
    log_in(browser, base)
    load(browser, f"{base}/admin/decks/gated-deck")
    assert "Grace Hopper <grace@fund.example>" in browser.find_element(By.TAG_NAME, "main").text


def test_slide_views_are_recorded_as_a_reader_scrolls_and_the_dashboard_shows_them(browser, console_site, screenshots):
    base = console_site
    browser.delete_all_cookies()
    browser.set_window_size(1280, 860)
    load(browser, f"{base}/decks/open-deck")
    pages = wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.page img"))
    assert len(pages) >= 3
    for page in pages[:3]:  # the reader reads three slides, a second and a half each
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", page)
        time.sleep(1.5)
    in_chat(browser)
    try:
        ask_and_wait(browser, "What is the valuation?")
    finally:
        browser.switch_to.default_content()
    browser.get("about:blank")  # leaving the page sends what is left (pagehide)

    log_in(browser, base)
    load(browser, f"{base}/admin/decks/open-deck")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.slides tbody tr")
    viewed = {}
    for row in rows:
        cells = row.find_elements(By.TAG_NAME, "td")
        viewed[cells[0].text.split("\n")[-1]] = (int(cells[1].text), cells[2].text)
    seen = [label for label, (views, _) in viewed.items() if views]
    assert len(seen) >= 3, viewed
    assert all(median.endswith(" s") and float(median[:-2]) >= 1.0 for views, median in viewed.values() if views)
    readers = browser.find_element(By.ID, "readers").find_element(By.XPATH, "following-sibling::table").text
    assert "anonymous" in readers
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d E[SD]T", readers)  # the founder's zone, shown
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 2
    browser.set_window_size(1280, 1500)
    browser.save_screenshot(str(screenshots / "admin-dashboard.png"))
    browser.set_window_size(1280, 860)
    browser.find_element(By.PARTIAL_LINK_TEXT, "anonymous").click()
    page = wait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "main")).text
    assert "Slides, in the order seen" in page and "What is the valuation?" in page


def open_widget(browser, page_url):
    load(browser, page_url)
    shadow = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-deckchat]").shadow_root)
    shadow.find_element(By.CSS_SELECTOR, ".launcher").click()
    browser.switch_to.frame(shadow.find_element(By.CSS_SELECTOR, "iframe"))


def test_the_widget_on_a_host_site_follows_the_decks_access(browser, console_site, host_site):
    base = console_site
    root, origin = host_site
    browser.delete_all_cookies()
    for name in ("gated-deck", "private-deck"):
        (root / f"{name}.html").write_text(f'<!doctype html><title>Host</title><h1>Our deck</h1>'
                                           f'<script src="{base}/widget.js" data-deck="{name}" async></script>')
    # E-mail gate: the chat asks for the address first, then answers.
    open_widget(browser, f"{origin}/gated-deck.html")
    try:
        assert not browser.find_element(By.ID, "ask").is_displayed()
        gate = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "form.gate"))
        gate.find_element(By.NAME, "email").send_keys("hedy@fund.example")
        gate.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(browser, 20).until(lambda d: d.find_element(By.ID, "ask").is_displayed())
        answer = ask_and_wait(browser, "How much are they raising?")
        assert "4.5" in answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    finally:
        browser.switch_to.default_content()
    # Link-only: no chat without the reader's token; with it (the host page's ?deckchat=), the chat opens.
    open_widget(browser, f"{origin}/private-deck.html")
    try:
        assert "not available" in wait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "main")).text
    finally:
        browser.switch_to.default_content()
    log_in(browser, base)
    load(browser, f"{base}/admin/decks/private-deck")
    browser.find_element(By.NAME, "email").send_keys("joan@fund.example")
    browser.find_element(By.CSS_SELECTOR, ".inline-form button").click()
    link = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, ".link-address")).get_attribute("value")
    log_out(browser, base)
    open_widget(browser, f"{origin}/private-deck.html?deckchat={link.split('t=', 1)[1]}")
    try:
        answer = ask_and_wait(browser, "Who are the founders?")
        assert answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    finally:
        browser.switch_to.default_content()
    log_in(browser, base)
    load(browser, f"{base}/admin/decks/gated-deck")
    assert "hedy@fund.example" in browser.find_element(By.TAG_NAME, "main").text


def test_the_founder_answers_an_unanswered_question_and_a_reader_asking_it_again_gets_that_answer(browser,
                                                                                                   console_site):
    base = console_site
    question = "What's the exchange rate of euro to dollar?"
    browser.delete_all_cookies()
    load(browser, f"{base}/decks/open-deck")
    in_chat(browser)
    try:
        first = ask_and_wait(browser, question)
        assert "do not say" in first.find_element(By.CSS_SELECTOR, ".answer-text").text
    finally:
        browser.switch_to.default_content()

    log_in(browser, base)
    load(browser, f"{base}/admin/questions?deck=open-deck")
    group = next(row for row in browser.find_elements(By.CSS_SELECTOR, "tr.question-group") if question in row.text)
    group.find_element(By.CSS_SELECTOR, ".answer-once summary").click()
    group.find_element(By.NAME, "answer").send_keys("We take euros or dollars; euros at the day's ECB rate.")
    group.find_element(By.CSS_SELECTOR, ".answer-once button[type=submit]").click()
    wait(browser, 20).until(lambda d: "Your answers" in d.page_source and "ECB rate" in d.page_source)
    log_out(browser, base)

    load(browser, f"{base}/decks/open-deck")
    in_chat(browser)
    try:
        browser.find_element(By.ID, "new-chat").click()
        answer = ask_and_wait(browser, "What is the euro to dollar exchange rate?")
        text = answer.find_element(By.CSS_SELECTOR, ".answer-text").text
        assert text.startswith("The founders answered this (") and "ECB rate" in text
        assert "from-founders" in answer.get_attribute("class")
        assert any("Founders' answers" in chip.text for chip in answer.find_elements(By.CSS_SELECTOR, ".chip"))
    finally:
        browser.switch_to.default_content()


@needs_libreoffice
def test_a_pptx_deck_page_shows_its_slides_as_pictures(browser, console_site):
    browser.delete_all_cookies()
    load(browser, f"{console_site}/decks/pptx-deck")
    pictures = wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.page img"))
    assert len(pictures) == 3
    for picture in pictures:
        browser.execute_script("arguments[0].scrollIntoView()", picture)
    wait(browser, 20).until(lambda d: all(d.execute_script("return arguments[0].complete && "
                                                           "arguments[0].naturalWidth > 0", p) for p in pictures))
    labels = [f.text for f in browser.find_elements(By.CSS_SELECTOR, "figure.page figcaption")]
    assert labels == ["slide 1", "slide 2", "slide 3"]
