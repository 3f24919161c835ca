"""One index for several instances (issue 17, item 2): two servers on one machine share the index and
content folders (as instances on several machines share a mounted directory) and one log. A document
uploaded in one instance's admin is built once, swapped in by one atomic rename, and served by both
without a restart."""

from __future__ import annotations

import re
import shutil
import time

import pytest
import requests

from app.admin.auth import hash_password
from tests.conftest import EXAMPLE_DECK
from tests.live_server import gunicorn

PASSWORD = "shared index password"
QUESTION = "Which shipping line signed up its whole fleet in November 2026?"
NEWS = "# News\n\n## Latest customer\n\nOceanic Lines signed up its whole fleet of 30 ships in November 2026.\n"


@pytest.fixture(scope="module")
def two_instances(example_index, generator, tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared")
    index_dir, content = shared / "index_store", shared / "content"
    shutil.copytree(example_index, index_dir, symlinks=True)
    shutil.copytree(EXAMPLE_DECK, content / "example")
    env = {"DATABASE_URL": f"sqlite:///{shared / 'log.sqlite3'}", "DECKCHAT_CONTENT_DIR": str(content),
           "DECKCHAT_SECRET_KEY": "one key for every instance", "DECKCHAT_ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
    first, second = tmp_path_factory.mktemp("instance_a"), tmp_path_factory.mktemp("instance_b")
    with gunicorn(first, index_dir, env) as a, gunicorn(second, index_dir, env) as b:
        yield a, b, index_dir


def token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def chunks(base: str) -> int:
    return requests.get(f"{base}/api/health", timeout=10).json()["decks"][0]["chunks"]


def test_a_build_published_by_one_instance_is_served_by_every_instance(two_instances):
    a, b, index_dir = two_instances
    before = chunks(b)
    assert chunks(a) == before
    owner = requests.Session()
    owner.post(f"{a}/admin/login", data={"password": PASSWORD, "csrf_token": token(owner, f"{a}/admin/login")},
               timeout=30)
    page = owner.post(f"{a}/admin/decks/example/files", timeout=120,
                      data={"csrf_token": token(owner, f"{a}/admin/decks/example/content")},
                      files={"documents": ("news.md", NEWS.encode(), "text/markdown")})
    assert "news.md uploaded" in page.text
    deadline = time.monotonic() + 120
    while not (chunks(a) == chunks(b) == before + 1):
        assert time.monotonic() < deadline, "the new build was not served by both instances within 120 s"
        time.sleep(0.5)
    for base in (a, b):
        body = requests.post(f"{base}/api/chat", timeout=120, json={"deck": "example", "question": QUESTION}).json()
        assert body["sources"][0]["doc"] == "news.md" and "Oceanic Lines" in body["answer"], body
    builds = [p.name for p in (index_dir / ".builds").iterdir()]
    assert len(builds) <= 2  # the new build and the one it replaced (a request may still be reading it)
