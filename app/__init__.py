"""DeckChat: answer readers' questions from a company's deck, FAQ and whitepaper."""

from __future__ import annotations

import logging
import os

from flask import Flask

from app.config import config_command, load_config


def create_app(test_config: dict | None = None, make_services=None) -> Flask:
    """App factory: settings, services (models, index, log), blueprints and CLI commands."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    app = Flask(__name__, instance_path=None, template_folder="../templates")
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

    from app.chat.routes import bp as chat_bp

    app.register_blueprint(chat_bp)

    from app.eval.cli import eval_command
    from ingest.cli import ingest_command

    app.cli.add_command(config_command)
    app.cli.add_command(ingest_command)
    app.cli.add_command(eval_command)
    if app.config["PRELOAD_MODEL"]:
        app.extensions["deckchat"].preload()
    return app
