"""Telling the founders when it matters: a hand-off request, an identified reader's first visit, and a
daily digest of the questions the documents did not answer, by mail (SMTP) and a Slack-compatible webhook.

messages.py writes them; outbox.py keeps them in the log's database until delivered; channels.py sends;
sender.py is the background thread that delivers, retries and starts the digest; cli.py is `flask notify`.
"""
