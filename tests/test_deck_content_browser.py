"""A deck's content managed in the admin, in a real headless Chromium against a real gunicorn with the
embedded models: a deck created, a document uploaded through the page, indexed in the background (the page
follows it) and answering a reader; a broken upload refused with the old index still answering."""

from __future__ import annotations

import pytest

from app.admin.auth import hash_password
from tests.helpers.browser import CHROMEDRIVER, CHROMIUM, NO_CHROMIUM, ask_and_wait, chromium, screenshot_dir, wait
from tests.live_server import gunicorn
from tests.test_deck_content import FACT

selenium = pytest.importorskip("selenium", reason="selenium is not installed: run `make test`")
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=NO_CHROMIUM)
PASSWORD = "founder's upload password"
QUESTION = "How long does the Zephyr-9 sensor last on a charge?"


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    """A server with no deck at all: the founder starts from the admin."""
    instance = tmp_path_factory.mktemp("content_instance")
    (instance / "content").mkdir()
    env = {"DECKCHAT_CONTENT_DIR": str(instance / "content"), "DECKCHAT_ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
           "DECKCHAT_SECRET_KEY": "content-test-secret"}
    with gunicorn(instance, instance / "index_store", env) as base:
        yield base


def ask_on_deck_page(browser, base, deck, question):
    browser.get(f"{base}/decks/{deck}")
    wait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "figure.page"))
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, ".chat-pane iframe"))
    try:
        answer = ask_and_wait(browser, question)
        return answer.find_element(By.CSS_SELECTOR, ".answer-text").text, [c.text for c in
                                                                           answer.find_elements(By.CSS_SELECTOR, ".chip")]
    finally:
        browser.switch_to.default_content()


def settled(browser, seconds=20):
    """A wait that reads through the page's own reload (it shows itself anew when a re-index ends)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def upload(browser, path):
    browser.find_element(By.ID, "documents").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, ".upload-form button[type=submit]").click()


def test_a_document_uploaded_in_the_admin_is_indexed_and_answers_and_a_broken_one_leaves_the_index(
        browser, empty_site, tmp_path):
    base = empty_site
    browser.get(f"{base}/admin/decks/new")
    browser.find_element(By.ID, "admin_name").send_keys("Ada Founder")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser, 20).until(lambda d: d.find_elements(By.NAME, "title"))
    browser.find_element(By.NAME, "name").send_keys("harbour")
    browser.find_element(By.NAME, "title").send_keys("Harbour Sensors")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(browser, 20).until(lambda d: d.current_url.endswith("/admin/decks/harbour/content"))
    assert "not indexed yet" in browser.page_source

    document = tmp_path / "sensors.md"
    document.write_text(FACT)
    upload(browser, document)
    # The page follows the re-index and shows itself anew when it ends (a quick build may end before the
    # page has even said it started).
    settled(browser, 180).until(lambda d: "Last re-index: built" in d.find_element(By.ID, "reindex-line").text)
    report = settled(browser).until(lambda d: d.find_element(By.ID, "reindex-report").text)
    assert report.startswith("built ") and "sensors.md: 2 pages" in report
    changes = browser.find_element(By.ID, "changes").text
    assert "uploaded" in changes and "sensors.md (2 pages)" in changes and "index built" in changes
    assert "Ada Founder from 127.0.0.1" in changes
    browser.save_screenshot(str(screenshot_dir(tmp_path) / "admin-deck-content.png"))

    text, chips = ask_on_deck_page(browser, base, "harbour", QUESTION)
    assert "47 days" in text and any("sensors.md" in chip for chip in chips)

    browser.get(f"{base}/admin/decks/harbour/content")
    broken = tmp_path / "prices.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    upload(browser, broken)
    error = settled(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, ".flash-error").text)
    assert error.startswith("Not added: prices.pdf:") and "nothing was changed" in error
    assert "prices.pdf" not in browser.find_element(By.TAG_NAME, "table").text
    assert "Last re-index: built" in browser.find_element(By.ID, "reindex-line").text  # no re-index started
    text, _ = ask_on_deck_page(browser, base, "harbour", QUESTION)
    assert "47 days" in text
