"""Headless Chromium for the browser tests (Debian's chromium and chromedriver), and waiting on the page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
NO_CHROMIUM = "no Chromium: `make test` installs Debian's chromium and chromium-driver when it can (needs apt and root)"


def chromium() -> Iterator:
    """A headless Chromium (selenium's driver), quit at the end; for a module-scoped fixture."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,860"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the page's console, for tests to read
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def screenshot_dir(tmp_path: Path) -> Path:
    """$DECKCHAT_SCREENSHOT_DIR (`make screenshots` sets docs/screenshots), else the test's own folder."""
    folder = Path(os.environ.get("DECKCHAT_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait(driver, seconds=90):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.1)


def load(driver, url: str, seconds: int = 30) -> None:
    """Open `url` and wait for its document. A plain `get` has at times returned with no document yet
    (an empty page source, then a failed assertion) in fresh-clone runs on the 2-core machine."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait(driver, seconds).until(lambda d: d.execute_script("return document.readyState") == "complete"
                                and d.find_elements(By.TAG_NAME, "body"))


def ask_and_wait(driver, question: str):
    """Ask in the chat (the driver inside its frame) and return the new answer once it is complete."""
    from selenium.webdriver.common.by import By

    before = len(driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot"))
    box = driver.find_element(By.ID, "question")
    box.send_keys(question)
    driver.find_element(By.ID, "send").click()
    # The new answer, complete: asked at once, or right after an earlier conversation is restored, whose
    # answers then come in with it (so the count may grow by more than one: with "== before + 1" a question
    # typed before the restore ended waited out its 90 s, seen once in make test).
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#log .msg.bot")) > before
                       and d.find_element(By.CSS_SELECTOR, "#log .msg.bot:last-child").get_attribute("aria-busy")
                       == "false")
    return driver.find_element(By.CSS_SELECTOR, "#log .msg.bot:last-child")
