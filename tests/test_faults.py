"""A model that fails to load breaks only its own tab, and the tab recovers once the cause is fixed."""

from __future__ import annotations

import shutil

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from conftest import free_port
from demo.app import create_app, launch
from demo.models import ModelRef
from demo.profiles import plan
from demo.runtime import Runtime
from demo.settings import Settings


@pytest.fixture()
def app_with_broken_sentiment(tiny_models, tiny_paths, tmp_path):
    folder = tmp_path / "sentiment-model"
    shutil.copytree(tiny_paths["sentiment"], folder)
    good_config = (folder / "config.json").read_text()
    (folder / "config.json").write_text("{ broken")
    settings = Settings(port=free_port(), profile="hub", models=tiny_models | {"sentiment": ModelRef(str(folder))})
    app = create_app(settings)
    launch(app, settings, prevent_thread_lock=True, quiet=True)
    yield Client(f"http://127.0.0.1:{settings.port}", verbose=False), folder, good_config
    app.close()


def test_broken_model_fails_only_its_tab_and_recovers_when_fixed(app_with_broken_sentiment):
    client, folder, good_config = app_with_broken_sentiment
    with pytest.raises(AppError, match="Could not load the model .*complete transformers checkpoint"):
        client.predict("Nice.", api_name="/sentiment")
    assert client.predict("I was hungry.", "So I ate.", api_name="/next_sentence")[0]["label"] in {"IsNext", "NotNext"}
    (folder / "config.json").write_text(good_config)
    assert client.predict("Nice.", api_name="/sentiment")[0]["label"] in {"POSITIVE", "NEGATIVE"}


def test_preload_loads_every_task_and_reports_each_failure(tiny_models, tmp_path):
    missing = ModelRef(str(tmp_path / "missing-model"))
    runtime = Runtime(plan("hub", tiny_models | {"generate": missing}))
    failures = runtime.preload()
    assert list(failures) == ["generate"] and "Could not load the model" in failures["generate"]
    assert all(runtime.is_ready(task) for task in ("sentiment", "fill_mask", "next_sentence"))
