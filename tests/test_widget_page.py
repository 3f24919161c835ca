"""The widget's own page in the admin, and the check widget.js makes before it opens the chat: a site the
deck does not allow gets a short message (and the owner sees the site), not a refused frame."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.admin.auth import hash_password
from app.services import Services
from tests.conftest import app_config
from tests.helpers.admin import PASSWORD, log_in
from tests.test_reader_access import content_with_access


@pytest.fixture
def site_app(tmp_path, example_index, embedder, generator):
    content = content_with_access(tmp_path, "public")
    settings = content / "example" / "deck.toml"
    settings.write_text(settings.read_text().replace("allowed_origins = []",
                                                     'allowed_origins = ["https://www.tidewater.example"]'))
    config = app_config(tmp_path, example_index) | {"CONTENT_DIR": str(content),
                                                    "ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
    return create_app(config, make_services=lambda cfg: Services(cfg, embedder=embedder, generator=generator))


def check(client, origin, deck="example"):
    response = client.get(f"/widget/check/{deck}", headers={"Origin": origin} if origin else {})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_the_check_answers_any_site_and_notes_the_refused_ones(site_app):
    client = site_app.test_client()
    assert check(client, "https://www.tidewater.example")["allowed"] is True
    assert check(client, None)["allowed"] is True  # this app's own pages
    refused = check(client, "https://copycat.example")
    assert refused == {"allowed": False, "message": "This chat is not available on this site."}
    check(client, "https://copycat.example")
    assert "no such deck" in check(client, "https://www.tidewater.example", deck="nosuchdeck")["message"]
    [noted] = site_app.extensions["deckchat"].refused_origins.list("example")
    assert (noted.origin, noted.count) == ("https://copycat.example", 2)


def test_the_widget_page_gives_the_snippet_the_sites_a_preview_a_check_and_the_refused_sites(site_app):
    client = site_app.test_client()
    check(client, "https://copycat.example")
    assert client.get("/admin/widget/example").status_code == 302
    log_in(client)
    page = client.get("/admin/widget/example").get_data(as_text=True)
    assert '&lt;script src=&#34;http://localhost/widget.js&#34; data-deck=&#34;example&#34; async&gt;' in page
    assert "https://www.tidewater.example" in page and "https://copycat.example" in page
    assert re.search(r'<iframe class="widget-preview"[^>]+src="/embed/example"', page)
    allowed = client.get("/admin/widget/example?site=https://www.tidewater.example/pitch").get_data(as_text=True)
    assert "may show this chat" in allowed
    refused = client.get("/admin/widget/example?site=copycat.example").get_data(as_text=True)
    assert "not allowed" in refused and '<code>"https://copycat.example"</code>' in refused
    assert "not a web address" in client.get("/admin/widget/example?site=ftp://x").get_data(as_text=True)
    assert client.get("/admin/widget/nosuchdeck").status_code == 404
