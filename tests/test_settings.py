"""Start-up settings and the profile plan."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demo.models import ModelRef
from demo.profiles import HUB_PRESETS, TASK_KEYS, plan
from demo.settings import parse_settings


def test_defaults_are_loopback_7860_auto_profile_no_preload():
    settings = parse_settings([], environ={})
    assert (settings.host, settings.port, settings.profile, settings.preload, settings.models) == (
        "127.0.0.1", 7860, "auto", False, {})


def test_flags_override_the_environment():
    env = {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7000", "DEMO_PROFILE": "embedded",
           "DEMO_MODEL_SENTIMENT": "env/model", "DEMO_MODEL_GENERATE": "env/gpt", "DEMO_PRELOAD": "1"}
    settings = parse_settings(["--port", "8000", "--model", "generate=flag/gpt@rev1", "--profile", "hub"], environ=env)
    assert settings.host == "0.0.0.0" and settings.port == 8000 and settings.profile == "hub" and settings.preload
    assert settings.models == {"sentiment": ModelRef("env/model"), "generate": ModelRef("flag/gpt", "rev1")}


def test_presenter_mode_is_a_flag_an_environment_variable_and_in_the_page_script():
    from demo.page.builder import page_script

    assert not parse_settings([], environ={}).presenter
    assert parse_settings(["--presenter"], environ={}).presenter
    assert parse_settings([], environ={"DEMO_PRESENTER": "1"}).presenter
    assert "asked === null ? true" in page_script(True) and "asked === null ? false" in page_script(False)


@pytest.mark.parametrize("flag", ["translate=x", "sentiment", "sentiment="])
def test_bad_model_flags_are_refused(flag, capsys):
    with pytest.raises(SystemExit):
        parse_settings(["--model", flag], environ={})
    assert "--model" in capsys.readouterr().err


def test_hub_profile_uses_the_pinned_presets():
    assignments = plan("hub", hub_problem=lambda: pytest.fail("the hub profile never probes"))
    assert {t: a.ref for t, a in assignments.items()} == HUB_PRESETS
    assert all(len(a.ref.revision) == 40 for a in assignments.values())
    assert assignments["fill_mask"].ref == assignments["next_sentence"].ref


def test_auto_without_hub_or_cache_falls_back_to_embedded_and_says_why():
    assignments = plan("auto", hub_problem=lambda: "hub not reachable")
    assert all(a.embedded for a in assignments.values())
    assert all(a.reason == "embedded: hub not reachable" for a in assignments.values())


def test_auto_probes_the_hub_once_and_uses_it_when_it_answers():
    probes = []
    assignments = plan("auto", hub_problem=lambda: probes.append(1))
    assert len(probes) == 1
    assert not any(a.embedded for a in assignments.values())


def test_model_overrides_win_in_every_profile():
    override = {"generate": ModelRef("/models/gpt")}
    for profile in ("auto", "hub", "embedded"):
        assignments = plan(profile, override, hub_problem=lambda: "offline")
        assert assignments["generate"].ref == ModelRef("/models/gpt")
        assert assignments["generate"].reason == "chosen with --model"


def test_unknown_profile_and_task_are_refused():
    with pytest.raises(ValueError, match="auto, hub, embedded"):
        plan("cloud")
    with pytest.raises(ValueError, match=", ".join(TASK_KEYS)):
        plan("hub", {"translate": ModelRef("x")})


def test_the_page_says_which_profile_serves_it_and_why_without_loading_anything():
    from demo.runtime import Runtime
    from demo.page.builder import profile_summary

    runtime = Runtime(plan("auto", hub_problem=lambda: "hub not reachable"))
    assert profile_summary(runtime).startswith("**Embedded profile** (hub not reachable)")
    assert "embedded: hub not reachable" in runtime.describe("generate")
    assert runtime.registry.load_count == {}


def test_int8_and_batch_size_come_from_flags_or_the_environment(capsys):
    assert parse_settings([], environ={}).int8 is False
    assert parse_settings([], environ={"DEMO_INT8": "1", "DEMO_MAX_BATCH": "4"}).max_batch == 4
    assert parse_settings(["--int8", "--max-batch", "1"], environ={}).int8
    with pytest.raises(SystemExit):
        parse_settings(["--max-batch", "0"], environ={})
    assert "--max-batch must be a whole number from 1 to 4096, got '0'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, environ, message", [
    ([], {"DEMO_MAX_BATCH": "abc"}, "DEMO_MAX_BATCH must be a whole number from 1 to 4096, got 'abc'"),
    ([], {"GRADIO_SERVER_PORT": "abc"}, "GRADIO_SERVER_PORT must be a whole number from 1 to 65535, got 'abc'"),
    (["--port", "70000"], {}, "--port must be a whole number from 1 to 65535, got '70000'"),
    ([], {"DEMO_PROFILE": "cloud"}, "DEMO_PROFILE must be one of auto, hub, embedded, got 'cloud'"),
    (["--model", "sentiment=./no/such/folder"], {}, "the model folder for sentiment does not exist: ./no/such/folder"),
    ([], {"DEMO_MODEL_GENERATE": "/no/such/gpt"}, "the model folder for generate does not exist: /no/such/gpt"),
    (["--model", "sentiment=http://127.0.0.1:8000/v1"], {},
     "only generate can run on an engine URL, not sentiment: http://127.0.0.1:8000/v1"),
    ([], {"DEMO_MODEL_FILL_MASK": "https://engine/v1#m"}, "only generate can run on an engine URL, not fill_mask"),
])
def test_every_misconfiguration_stops_start_up_with_one_line_naming_the_setting(argv, environ, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_settings(argv, environ=environ)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_flag_wins_over_a_broken_environment_value():
    settings = parse_settings(["--max-batch", "4", "--port", "8001"],
                              environ={"DEMO_MAX_BATCH": "abc", "GRADIO_SERVER_PORT": "abc"})
    assert (settings.max_batch, settings.port) == (4, 8001)


def test_lazy_comes_from_the_flag_or_the_environment():
    assert parse_settings([], environ={}).lazy is False
    assert parse_settings(["--lazy"], environ={}).lazy
    assert parse_settings([], environ={"DEMO_LAZY": "1"}).lazy


def test_a_port_in_use_stops_start_up_with_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "app.py", "--port", str(port), "--profile", "embedded", "--lazy"],
                              capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 1
    assert f"app.py: error: cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
