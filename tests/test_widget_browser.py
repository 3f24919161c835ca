"""The widget in a real headless Chromium against a real gunicorn, real models, index and log.

A host page on another origin embeds the widget with its one script line; a reader asks, sees the
answer stream in with source chips, gives a thumbs down; the deck page scrolls to a clicked source;
the owner finds the turn and its feedback in the admin. Screenshots go to $DECKCHAT_SCREENSHOT_DIR
(`make screenshots` sets docs/screenshots) or the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from app.admin.auth import hash_password
from tests.conftest import EXAMPLE_DECK, make_ingester
from tests.helpers.browser import CHROMEDRIVER, CHROMIUM, NO_CHROMIUM, ask_and_wait, chromium, screenshot_dir, wait
from tests.live_server import free_port, gunicorn

selenium = pytest.importorskip("selenium", reason="selenium is not installed: run `make test`")
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=NO_CHROMIUM)
PASSWORD = "owner's long password"
QUESTION = "How much are they raising?"


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture(scope="module")
def host_page(tmp_path_factory):
    """A static page on its own origin (another port) that will embed the widget."""
    root = tmp_path_factory.mktemp("host_site")
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def site(host_page, embedder, generator, tmp_path_factory):
    """DeckChat serving the example deck, whose deck.toml allows the host page's origin."""
    host_root, host_origin = host_page
    instance = tmp_path_factory.mktemp("widget_instance")
    content = instance / "content"
    shutil.copytree(EXAMPLE_DECK, content / "example")
    settings = (content / "example" / "deck.toml").read_text()
    (content / "example" / "deck.toml").write_text(
        settings.replace("allowed_origins = []", f'allowed_origins = ["{host_origin}"]'))
    index_dir = instance / "index_store"
    assert make_ingester(index_dir, embedder).ingest("example", content / "example").ok
    env = {"DECKCHAT_CONTENT_DIR": str(content), "DECKCHAT_ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
           "DECKCHAT_SECRET_KEY": "browser-test-secret"}
    with gunicorn(instance, index_dir, env) as base:
        yield base, host_root, host_origin


@pytest.fixture
def screenshots(tmp_path) -> Path:
    return screenshot_dir(tmp_path)


def count_streamed_updates(driver) -> None:
    """Count changes to the answer while it streams (the test cannot sample fast enough itself)."""
    driver.execute_script("""
        window.__updates = 0;
        new MutationObserver(function (changes) {
          changes.forEach(function (c) {
            var item = (c.target.nodeType === 3 ? c.target.parentNode : c.target).closest('.msg.bot');
            if (item && item.classList.contains('streaming')) window.__updates += 1;
          });
        }).observe(document.getElementById('log'), {subtree: true, childList: true, characterData: true});
    """)


def test_a_reader_on_another_site_asks_through_the_widget_and_the_owner_sees_the_feedback(browser, site, screenshots):
    base, host_root, host_origin = site
    (host_root / "index.html").write_text(
        "<!doctype html><title>Tidewater</title><h1>Our deck</h1>"
        "<style>button { background: red !important; font-size: 40px !important; }</style>"
        f'<script src="{base}/widget.js" data-deck="example" data-title="Tidewater" data-color="#0b7a5c" '
        'data-questions="How much are they raising?|Who is the CEO?" async></script>')
    browser.get(host_origin + "/")
    shadow = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-deckchat]").shadow_root)
    launcher = shadow.find_element(By.CSS_SELECTOR, ".launcher")
    # The host page's CSS does not reach the launcher (shadow root), and its data attributes apply.
    assert launcher.value_of_css_property("background-color") == "rgba(11, 122, 92, 1)"
    assert launcher.text == "Ask: Tidewater"
    launcher.click()
    frame = shadow.find_element(By.CSS_SELECTOR, "iframe")
    browser.switch_to.frame(frame)
    try:
        # The host page's data-questions and data-title arrive by postMessage (its origin is allowed).
        wait(browser, 20).until(lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, "#suggestions button")] == [
            "How much are they raising?", "Who is the CEO?"])
        assert browser.find_element(By.ID, "chat-title").text == "Tidewater"
        answer = ask_and_wait(browser, QUESTION)
        text = answer.find_element(By.CSS_SELECTOR, ".answer-text").text
        # A figure asked for is taken from its line and sent at once.
        assert text.startswith("$4.5 million") and "Raising $4.5 million" in text
        chips = answer.find_elements(By.CSS_SELECTOR, ".chip")
        assert chips, "no source chips under the answer"
        assert chips[0].text.startswith(("slide ", "whitepaper.pdf page ", "faq.md section "))
        chips[0].click()
        snippet = answer.find_element(By.CSS_SELECTOR, ".snippet:not([hidden])")
        assert snippet.text.strip()
        answer.find_element(By.CSS_SELECTOR, "button[aria-label='Not helpful']").click()
        comment = wait(browser, 10).until(lambda d: answer.find_element(By.CSS_SELECTOR, ".comment input"))
        comment.send_keys("Too vague for an investor")
        answer.find_element(By.CSS_SELECTOR, ".comment button").click()
        wait(browser, 10).until(lambda d: "Thanks" in answer.find_element(By.CSS_SELECTOR, ".actions").text)
    finally:
        browser.switch_to.default_content()

    # A reload keeps the conversation (session id in the iframe's localStorage).
    browser.refresh()
    shadow = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-deckchat]").shadow_root)
    shadow.find_element(By.CSS_SELECTOR, ".launcher").click()
    browser.switch_to.frame(shadow.find_element(By.CSS_SELECTOR, "iframe"))
    try:
        restored = wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log .msg.user"))
        assert restored[0].text == QUESTION
        thumbs = browser.find_element(By.CSS_SELECTOR, "button[aria-label='Not helpful']")
        assert thumbs.get_attribute("aria-pressed") == "true"
    finally:
        browser.switch_to.default_content()

    # The owner logs in and finds the turn with its feedback.
    browser.get(f"{base}/admin/")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser, 20).until(lambda d: QUESTION in d.page_source)
    browser.find_element(By.LINK_TEXT, QUESTION).click()
    page = wait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "main")).text
    assert QUESTION in page and text.split("[")[0].strip()[:40] in page
    assert "Too vague for an investor" in page
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    browser.save_screenshot(str(screenshots / "admin-transcript.png"))


def test_a_phone_reader_uses_the_widget_with_the_keyboard_alone(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    base, host_root, host_origin = site
    (host_root / "phone.html").write_text(
        "<!doctype html><meta name=viewport content='width=device-width'><title>Phone</title>"
        f'<a href="#top">Top</a><script src="{base}/widget.js" data-deck="example" async></script>')
    browser.set_window_size(390, 844)
    try:
        browser.get(host_origin + "/phone.html")
        shadow = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-deckchat]").shadow_root)
        launcher = shadow.find_element(By.CSS_SELECTOR, ".launcher")
        ActionChains(browser).send_keys(Keys.TAB, Keys.TAB).perform()  # the page's link, then the launcher
        assert browser.execute_script("return arguments[0].activeElement", shadow) == launcher
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        panel = shadow.find_element(By.CSS_SELECTOR, ".panel")
        width = browser.execute_script("return window.innerWidth")
        assert panel.is_displayed() and panel.rect["width"] == width  # the whole screen on a phone
        browser.switch_to.frame(shadow.find_element(By.CSS_SELECTOR, "iframe"))
        try:
            box = wait(browser, 20).until(lambda d: d.switch_to.active_element.get_attribute("id") == "question"
                                          and d.switch_to.active_element)
            box.send_keys("Who are the founders?", Keys.ENTER)  # Enter sends
            wait(browser, 90).until(lambda d: d.find_element(By.CSS_SELECTOR, "#log .msg.bot:last-child")
                                    .get_attribute("aria-busy") == "false")
            assert browser.find_element(By.ID, "status").text.strip()  # the answer went to the live region
            ask_box = browser.find_element(By.ID, "question")
            assert ask_box.is_displayed() and ask_box.rect["x"] + ask_box.rect["width"] <= width
            ActionChains(browser).send_keys(Keys.ESCAPE).perform()  # closes the chat
        finally:
            browser.switch_to.default_content()
        wait(browser, 10).until(lambda d: not panel.is_displayed())
        assert browser.execute_script("return arguments[0].activeElement", shadow) == launcher
    finally:
        browser.set_window_size(1280, 860)


def test_a_source_chip_on_the_deck_page_scrolls_the_deck_to_that_slide(browser, site, screenshots):
    base, _, _ = site
    browser.get(f"{base}/decks/example")
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.page img")) >= 10  # the deck's slides, rendered
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, ".chat-pane iframe"))
    try:
        answer = ask_and_wait(browser, "What is the TAM?")
        chip = answer.find_element(By.CSS_SELECTOR, ".chip")
        label = chip.text
        chip.click()
    finally:
        browser.switch_to.default_content()
    lit = wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "figure.page.highlight"))
    kind, number = label.split(":")[0].split()[-2:]
    assert lit.find_element(By.TAG_NAME, "figcaption").text == f"{kind} {number}"
    # Scrolled: the highlighted page's top is at the top of the deck pane.
    wait(browser, 10).until(lambda d: abs(d.execute_script(
        "return arguments[0].getBoundingClientRect().top - document.querySelector('.slides').getBoundingClientRect().top",
        lit)) < 40)
    browser.save_screenshot(str(screenshots / "deck-page.png"))


def test_a_near_refusal_shows_its_closest_passage_with_a_source_chip_and_the_hand_off(browser, site):
    """A question the decision only just refuses: the reader reads the closest line, can open its slide,
    and can still leave an e-mail for the founders (the turn is unanswered)."""
    base, _, _ = site
    browser.get(f"{base}/embed/example")
    wait(browser, 20).until(lambda d: d.execute_script("return document.getElementById('question') !== null"))
    answer = ask_and_wait(browser, "What is the pricing?")
    text = answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert text.startswith("The documents do not say this clearly.") and "$48,000 per ship per year" in text
    chips = answer.find_elements(By.CSS_SELECTOR, ".chip")
    assert len(chips) == 1 and chips[0].text.startswith("slide ")
    handoff = answer.find_element(By.CSS_SELECTOR, "form.handoff")
    assert handoff.find_elements(By.CSS_SELECTOR, "input[type=email]")
    assert handoff.text.startswith("Not clearly answered in the documents.")


# No digits: a figure found in no source would end the answer. Two sentences: each streams once it passed.
HOSTILE_ANSWER = ('<img src=x onerror="window.__pwned=true">The founders are <b>Maren Okafor</b> and '
                  'Tomas Lindqvist. <script>window.__pwned="script"</script> Maren Okafor leads the company.')


@contextlib.contextmanager
def scripted_model_site(embedder, instance: Path, answer: str, **pace):
    """DeckChat on the example deck whose model (an OpenAI-compatible stand-in) always writes `answer`."""
    from tests.openai_standin import StandinServer, make_scripted_standin

    index_dir = instance / "index_store"
    assert make_ingester(index_dir, embedder).ingest("example", EXAMPLE_DECK).ok
    with StandinServer(make_scripted_standin(answer, **pace)) as model_server:
        env = {"DECKCHAT_BACKEND": "openai", "DECKCHAT_OPENAI_BASE_URL": model_server.base_url,
               "DECKCHAT_OPENAI_MODEL": "scripted", "DECKCHAT_WRITE_ANSWERS": "1"}
        with gunicorn(instance, index_dir, env) as base:
            yield base


@pytest.fixture(scope="module")
def hostile_site(embedder, tmp_path_factory):
    """The model answers with markup and script, a little at a time: written at once, its two sentences
    could reach the browser in one read and be put in as one change, under load (a CI run failed so)."""
    instance = tmp_path_factory.mktemp("hostile_instance")
    with scripted_model_site(embedder, instance, HOSTILE_ANSWER, pieces=6, delay_s=0.05) as base:
        yield base


# A model that starts well, then invents a figure and recites its rules: before, the reader watched
# all of it stream and then saw it replaced.
INVENTING_ANSWER = ("Maren Okafor is the CEO of Tidewater Robotics. The company is worth $9 trillion. "
                    "Answer the question using only the context.")


@pytest.fixture(scope="module")
def inventing_site(embedder, tmp_path_factory):
    instance = tmp_path_factory.mktemp("inventing_instance")
    with scripted_model_site(embedder, instance, INVENTING_ANSWER, pieces=12, delay_s=0.1) as base:
        yield base


def test_the_reader_never_sees_streamed_text_that_the_final_answer_takes_back(browser, inventing_site):
    browser.get(f"{inventing_site}/embed/example")
    wait(browser, 20).until(lambda d: d.execute_script("return document.getElementById('question') !== null"))
    # Every text the answer showed while it streamed, as the reader saw it.
    browser.execute_script("""
        window.__seen = [];
        new MutationObserver(function () {
          var item = document.querySelector('#log .msg.bot.streaming .answer-text');
          if (item) window.__seen.push(item.textContent);
        }).observe(document.getElementById('log'), {subtree: true, childList: true, characterData: true});
    """)
    answer = ask_and_wait(browser, "Who is the CEO of Tidewater Robotics?")
    final = answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    seen = browser.execute_script("return window.__seen")
    assert seen and any("Maren Okafor is the CEO" in text for text in seen)  # the sentence that passed streamed
    assert not any("trillion" in text or "using only the context" in text for text in seen), seen
    assert final.startswith("Maren Okafor is the CEO of Tidewater Robotics.") and "trillion" not in final
    assert all(final.startswith(text.strip()) for text in seen if text.strip())  # nothing shown was taken back


# A slow model (the stand-in writes a long answer in many pieces), so Stop is pressed while it writes.
SLOW_ANSWER = "Maren Okafor is the CEO of Tidewater Robotics and leads the company. " * 6


@pytest.fixture(scope="module")
def slow_site(embedder, tmp_path_factory):
    instance = tmp_path_factory.mktemp("slow_instance")
    with scripted_model_site(embedder, instance, SLOW_ANSWER, pieces=60, delay_s=0.5) as base:
        yield base


def test_a_reader_can_stop_an_answer_start_a_new_chat_and_leave_an_email_for_what_is_not_answered(browser, slow_site):
    browser.get(f"{slow_site}/embed/example")
    wait(browser, 20).until(lambda d: d.execute_script("return document.getElementById('question') !== null"))
    browser.find_element(By.ID, "question").send_keys("Who leads Tidewater Robotics?")
    browser.find_element(By.ID, "send").click()
    # The model's first sentence needs about five seconds: Stop is pressed while it writes.
    stop = wait(browser, 30).until(lambda d: d.find_element(By.ID, "stop") if d.find_element(By.ID, "stop").is_displayed()
                                   else None)
    stop.click()
    stopped = wait(browser, 20).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#log .msg.bot:last-child")
        if d.find_element(By.CSS_SELECTOR, "#log .msg.bot:last-child").get_attribute("aria-busy") == "false" else None)
    assert "Stopped." in stopped.text and browser.find_element(By.ID, "send").is_displayed()
    assert not browser.find_element(By.ID, "question").get_attribute("disabled")  # the reader can ask again
    # New chat: the conversation is cleared and a new session id is in use (the old one is not restored).
    old_session = browser.execute_script("return localStorage.getItem('deckchat:session:example')")
    browser.find_element(By.ID, "new-chat").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#log .msg")) == 1  # the greeting alone
    assert browser.execute_script("return localStorage.getItem('deckchat:session:example')") != old_session
    # A question the documents do not answer offers the founders' hand-off; the e-mail is sent.
    answer = ask_and_wait(browser, "Who won the 2018 FIFA World Cup?")
    assert "do not say" in answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert answer.find_element(By.CSS_SELECTOR, "form.handoff").text.startswith("Not in the documents.")
    email = answer.find_element(By.CSS_SELECTOR, "form.handoff input[type=email]")
    email.send_keys("investor@example.com")
    answer.find_element(By.CSS_SELECTOR, "form.handoff button").click()
    wait(browser, 20).until(lambda d: "the founders will reply" in answer.text)


def test_what_the_model_writes_is_shown_as_text_while_streaming_and_after(browser, hostile_site):
    browser.get(f"{hostile_site}/embed/example")
    wait(browser, 20).until(lambda d: d.execute_script("return document.getElementById('question') !== null"))
    count_streamed_updates(browser)
    answer = ask_and_wait(browser, "Who are the founders?")
    text = answer.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert '<img src=x onerror="window.__pwned=true">' in text and "<b>Maren Okafor</b>" in text
    assert browser.execute_script("return window.__updates") > 1  # it came in pieces, each put in as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#log img, #log b, #log script")
    assert browser.execute_script("return window.__pwned") is None
    # The same after a reload, from the log.
    browser.refresh()
    wait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log .msg.user"))  # past the greeting
    restored = browser.find_elements(By.CSS_SELECTOR, "#log .msg.bot .answer-text")
    assert "<b>Maren Okafor</b>" in restored[-1].text
    assert not browser.find_elements(By.CSS_SELECTOR, "#log img, #log b, #log script")


def test_an_unknown_deck_shows_a_friendly_message_in_the_widget(browser, site):
    base, _, _ = site
    browser.get(f"{base}/embed/no-such-deck")
    assert "not available" in browser.find_element(By.CSS_SELECTOR, "main").text


def test_the_widget_on_a_site_the_deck_does_not_allow_says_so_and_the_owner_sees_the_site(browser, site):
    base, host_root, host_origin = site
    refused_origin = host_origin.replace("127.0.0.1", "localhost")  # the same page, another origin
    (host_root / "copy.html").write_text(
        '<!doctype html><title>Copycat</title><link rel="icon" href="data:,"><h1>Not the company</h1>'
        f'<script src="{base}/widget.js" data-deck="example" async></script>')
    browser.get(refused_origin + "/copy.html")
    browser.get_log("browser")  # what came before this page
    shadow = wait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-deckchat]").shadow_root)
    shadow.find_element(By.CSS_SELECTOR, ".launcher").click()
    note = wait(browser, 20).until(lambda d: shadow.find_element(By.CSS_SELECTOR, ".panel .refused"))
    assert note.text == "This chat is not available on this site."
    assert not shadow.find_elements(By.CSS_SELECTOR, "iframe")  # no frame for the browser to refuse
    console = [entry for entry in browser.get_log("browser") if entry["level"] in ("WARNING", "SEVERE")]
    assert console == []
    browser.get(f"{base}/admin/widget/example")  # the owner (logged in by the first test, or now)
    if browser.find_elements(By.ID, "password"):
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser, 20).until(lambda d: "Sites refused" in d.page_source, message=browser.page_source[:2000])
    assert refused_origin in browser.find_element(By.TAG_NAME, "main").text
