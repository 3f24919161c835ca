"""Where a notification goes: mail through SMTP (smtplib, TLS by the URL's scheme) or a webhook (requests)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

import requests

TIMEOUT_S = 10  # a send waits this long at most; the sender thread, never a reader, waits for it
PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class Channel(Protocol):
    name: str

    def send(self, subject: str, body: str) -> None:
        """Deliver, or raise (the outbox retries)."""


@dataclass(frozen=True)
class MailChannel:
    url: str
    sender: str
    recipients: tuple[str, ...]
    name: str = "mail"

    @classmethod
    def from_settings(cls, url: str, sender: str, recipients: str) -> MailChannel:
        """From DECKCHAT_SMTP_URL, _MAIL_FROM and _NOTIFY_TO (app/settings.py has checked them)."""
        addresses = tuple(a.strip() for a in recipients.split(",") if a.strip())
        return cls(url, sender or f"deckchat@{urlsplit(url).hostname}", addresses)

    def send(self, subject: str, body: str) -> None:
        self.send_to(self.recipients, subject, body)

    def send_to(self, recipients: tuple[str, ...], subject: str, body: str) -> None:
        """Mail to other addresses than the founders' (a reader's confirmation code)."""
        parts = urlsplit(self.url)
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = subject, self.sender, ", ".join(recipients)
        message.set_content(body)
        port = parts.port or PORTS[parts.scheme]
        context = ssl.create_default_context()
        if parts.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, port, timeout=TIMEOUT_S, context=context)
        else:
            server = smtplib.SMTP(parts.hostname, port, timeout=TIMEOUT_S)
        with server:
            if parts.scheme == "smtp+starttls":
                server.starttls(context=context)
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    name: str = "webhook"

    def send(self, subject: str, body: str) -> None:
        response = requests.post(self.url, json={"text": f"*{subject}*\n{body}"}, timeout=TIMEOUT_S)
        response.raise_for_status()
