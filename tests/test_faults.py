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


def test_a_process_that_exits_while_its_models_load_exits_cleanly(tiny_paths):
    """Ctrl-C or the end of a test session while the background load runs: the load under way ends, no
    other starts, and the process exits with its own status (a thread stopped inside torch at exit
    aborted it: "terminate called without an active exception", status 134)."""
    import subprocess
    import sys

    from bench.server import ROOT

    models = {task: str(path) for task, path in tiny_paths.items() if "." not in task}
    script = ("import sys; from demo.models import ModelRef; from demo.profiles import plan; "
              "from demo.runtime import Runtime; "
              f"runtime = Runtime(plan('hub', {{k: ModelRef(v) for k, v in {models!r}.items()}})); "
              "import time; runtime.start_background_load(); "
              "[time.sleep(0.01) for _ in range(3000) if not runtime.is_ready('sentiment')]; sys.exit(3)")
    # exits once the first model is loaded, while the next ones load (before: aborted, most runs)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "terminate called" not in done.stderr


def test_a_runtime_whose_background_load_ended_is_not_kept_alive_for_the_exit(tiny_models):
    """The exit waits for a background load only while it runs: once it ends, nothing holds the runtime."""
    import gc
    import weakref

    runtime = Runtime(plan("hub", tiny_models))  # every model loads: no failure kept in a log record
    runtime.start_background_load().join(120)
    gone = weakref.ref(runtime)
    del runtime
    gc.collect()
    assert gone() is None


def test_a_warm_up_that_fails_once_is_tried_again_and_the_log_says_so(tiny_models, caplog):
    """A route whose load or warm-up failed once (a busy machine's refusal) was left failed until a
    visitor's request; it is tried once more after the others, and the log says what happened."""
    import logging

    runtime = Runtime(plan("hub", tiny_models))
    real, failed = runtime._warm_up, []

    def once(task, report, language="en"):
        if task == "fill_mask" and not failed:
            failed.append(task)
            raise RuntimeError("refused by a busy machine")
        return real(task, report, language)

    runtime._warm_up = once
    with caplog.at_level(logging.INFO, logger="demo.runtime"):
        assert runtime.preload() == {}
    assert failed == ["fill_mask"] and runtime.is_ready("fill_mask")
    said = caplog.text
    assert "tried once more after the others" in said and "ready on its second try" in said
    assert "every tab is ready" in said
