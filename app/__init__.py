"""DeckChat: answer readers' questions from a company's deck, FAQ and whitepaper."""

from __future__ import annotations

import logging
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from app.config import config_command, load_config
from app.json_input import StrictJSONProvider


def create_app(test_config: dict | None = None, make_services=None) -> Flask:
    """App factory: settings, services (models, index, log), blueprints and CLI commands."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    app = Flask(__name__, instance_path=None, template_folder="../templates", static_folder="../static")
    app.json = StrictJSONProvider(app)  # request bodies: no recursion bombs, lone surrogates or NULs
    app.config.from_mapping(load_config())
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.config["INSTANCE_DIR"], exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # one line per missing SIMD build

    from app.errors import register_error_handlers
    from app.services import Services

    # Tests pass make_services to share one loaded model, or a fake where the model is incidental.
    app.extensions["deckchat"] = (make_services or Services)(app.config)
    register_error_handlers(app)

    if not app.config.get("SECRET_KEY"):
        from app.secret_key import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(app.config["INSTANCE_DIR"])
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["SECURE_COOKIES"])
    if app.config["PROXY_HOPS"] > 0:  # the reader's address and scheme as the proxy saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from app.admin.curated import bp as admin_answers_bp
    from app.admin.deck_content import allow_uploads
    from app.admin.deck_content import bp as admin_content_bp
    from app.admin.decks import bp as admin_decks_bp
    from app.admin.local_time import register_local_time
    from app.admin.routes import bp as admin_bp
    from app.admin.widget_page import bp as admin_widget_bp
    from app.chat.routes import bp as chat_bp
    from app.log_retention import init_auto_purge
    from app.security_headers import register_security_headers
    from app.reader_access.api import bp as reader_access_api_bp
    from app.widget.events import bp as deck_events_bp
    from app.widget.routes import bp as widget_bp

    # Every form; the JSON API takes JSON bodies only, which another site cannot send without the CORS
    # preflight that app/chat/cors.py refuses it.
    allow_uploads(app)  # before the CSRF check reads the form
    csrf = CSRFProtect(app)
    csrf.exempt(chat_bp)
    csrf.exempt(deck_events_bp)  # JSON from the deck's own origin only (app/widget/events.py)
    csrf.exempt(reader_access_api_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(reader_access_api_bp)
    app.register_blueprint(deck_events_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_content_bp)  # before admin_decks: /admin/decks/new is not a deck
    app.register_blueprint(admin_decks_bp)
    app.register_blueprint(admin_answers_bp)
    app.register_blueprint(admin_widget_bp)
    register_local_time(app)
    app.register_blueprint(widget_bp)
    register_security_headers(app)
    init_auto_purge(app)

    from app.admin.cli import admin_cli, db_cli
    from app.admin.logs_cli import logs_cli
    from app.eval.cli import eval_command, eval_dev_command
    from app.ingest_cli import ingest_command
    from app.curated.cli import answers_cli
    from app.notifications.cli import notify_cli
    from app.reader_access.cli import links_cli

    app.cli.add_command(admin_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(logs_cli)
    app.cli.add_command(config_command)
    app.cli.add_command(ingest_command)
    app.cli.add_command(links_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(answers_cli)
    app.cli.add_command(eval_command)
    app.cli.add_command(eval_dev_command)
    # Only a server warms up: a `flask` command (ingest, eval, links...) with the server's environment
    # must not start the notifier or load the model beside its own work.
    if app.config["PRELOAD_MODEL"] and os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        app.extensions["deckchat"].preload()
    return app
