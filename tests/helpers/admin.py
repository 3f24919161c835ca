"""Logging in to the admin pages with the test owner's password."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def csrf_token(client, path="/admin/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def log_in(client, password=PASSWORD, next_path=""):
    token = csrf_token(client)
    return client.post(f"/admin/login{next_path}", data={"password": password, "csrf_token": token})
