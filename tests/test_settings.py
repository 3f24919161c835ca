"""Settings: typed, documented once, parsed forgivingly where it is safe and refused clearly where not."""

from __future__ import annotations

import os
import subprocess

import pytest

from app.config import REPO_ROOT, load_config
from app.generation.base import GenerationParams
from app.rag.answer import AnswerSettings
from app.settings import GROUPS, SettingsError, settings_table


def test_the_readme_settings_table_is_the_one_written_from_the_settings():
    readme = (REPO_ROOT / "README.md").read_text()
    assert settings_table() in readme, "README.md is out of date: paste `.venv/bin/python -m app.settings`"
    assert readme.count("| `DECKCHAT_") + readme.count("| `DATABASE_URL`") == sum(len(g.model_fields) for g in GROUPS)


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("yes", True), ("0", False),
                                             ("false", False), ("", True)])  # empty: the default
def test_booleans_read_as_people_write_them(monkeypatch, value, expected):
    monkeypatch.setenv("DECKCHAT_HYBRID", value)
    assert load_config()["HYBRID"] is expected


@pytest.mark.parametrize("name, value, allowed", [
    ("DECKCHAT_TOP_K", "five", "integer"),
    ("DECKCHAT_BACKEND", "llama", "'auto', 'llamacpp', 'transformers' or 'openai'"),
    ("DECKCHAT_TEMPERATURE", "-1", "greater than or equal to 0"),
])
def test_a_wrong_value_is_refused_naming_the_variable_the_value_and_what_is_allowed(monkeypatch, name, value, allowed):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_config()
    message = str(refused.value)
    assert message.startswith(f"{name}={value!r} is not allowed") and allowed in message and "\n" not in message


def test_a_wrong_value_stops_a_flask_command_with_one_line_and_the_server_without_restarting():
    env = {**os.environ, "FLASK_APP": "wsgi", "DECKCHAT_TOP_K": "many", "HF_HUB_OFFLINE": "1"}
    bin_dir = REPO_ROOT / ".venv" / "bin"
    done = subprocess.run([str(bin_dir / "flask"), "config"], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "DECKCHAT_TOP_K='many' is not allowed" in done.stderr.strip().splitlines()[-1]
    # gunicorn gives up ("Worker failed to boot") instead of booting workers in a loop.
    server = subprocess.run([str(bin_dir / "gunicorn"), "-w", "1", "-b", "127.0.0.1:0", "wsgi:app"], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert server.returncode == 3 and "Worker failed to boot" in server.stderr
    assert server.stderr.count("Booting worker") == 1 and "DECKCHAT_TOP_K='many' is not allowed" in server.stderr


def test_the_pipelines_own_defaults_are_the_settings_defaults():
    """Defaults are written once: the answer settings and decoding settings a pipeline gets without
    configuration are the ones the settings declare."""
    declared = {field: info.default for group in GROUPS for field, info in group.model_fields.items()}
    answer, params = AnswerSettings(), GenerationParams()
    for name in ("top_k", "evidence_units", "prompt_units", "context_tokens", "history_tokens", "write_answers"):
        assert getattr(answer, name) == declared[name], name
    for name in ("max_new_tokens", "temperature", "top_p", "repetition_penalty", "num_beams"):
        assert getattr(params, name) == declared[name], name


def test_flask_config_prints_every_setting_with_what_it_does(app):
    output = app.test_cli_runner().invoke(args=["config"]).output
    for group in GROUPS:
        for field, info in group.model_fields.items():
            assert info.description in output, field


def test_the_apps_parts_take_the_settings_groups_with_the_callers_changes(tmp_path, example_index, embedder):
    from app.services import Services
    from tests.conftest import app_config

    config = load_config() | app_config(tmp_path, example_index) | {"TOP_K": 3, "HYBRID": "false",
                                                                     "WRITE_ANSWERS": "1"}
    services = Services(config, embedder=embedder)
    assert services.settings.retrieval.top_k == 3 and services.settings.retrieval.hybrid is False
    assert services.pipeline.settings.top_k == 3 and services.pipeline.settings.write_answers is True
    assert services.retriever.hybrid is False and services.index_dir == example_index
    with pytest.raises(ValueError, match="top_k"):  # a caller's bad value is refused too
        Services(config | {"TOP_K": 0}, embedder=embedder)
