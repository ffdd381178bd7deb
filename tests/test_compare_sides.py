"""Compare's zero-shot side beside hub checkpoints: loaded and warmed with the models at start, so
the first Compare of a room answers as fast as the later ones (it loaded Gemma: 4.6 s at real sizes)."""

from __future__ import annotations

import pytest

from demo import engines
from demo.profiles import plan
from demo.runtime import Runtime
from demo.settings import parse_settings
from demo.registry import get_task
from demo.tasks.base import load_examples, routed

pytestmark = pytest.mark.slow  # Gemma 3 270M's real weights


@pytest.fixture(scope="module")
def sides_at_start(tiny_models) -> Runtime:
    runtime = Runtime(plan("hub", tiny_models), plan_zh=plan("hub", tiny_models, language="zh"), compare_sides=True)
    assert runtime.preload() == {}
    return runtime


def test_every_compare_finds_its_zero_shot_side_loaded_and_loads_nothing(sides_at_start):
    loads = dict(sides_at_start.registry.load_count)
    tasks = [task for task in sides_at_start.plan if get_task(task).zero_shot is not None]
    assert tasks == ["sentiment", "fill_mask", "next_sentence", "generate", "classify"]
    for task in tasks:
        for language in ("en", "zh"):
            assert sides_at_start.is_ready(task, zero_shot=True, language=language), (task, language)
            sides = sides_at_start.sides(task, language=language)
            assert sides.classic.engine is not None and sides.zero_shot.engine is not None
    assert sides_at_start.registry.load_count == loads  # no model loaded for any Compare
    assert loads[("model", "embedded-gemma")] == 1  # one Gemma for every side


def test_the_bundled_classify_examples_label_sets_are_calibrated_on_the_zero_shot_side_too(sides_at_start):
    spec = get_task("classify")
    for row in load_examples("classify"):
        language = routed(spec.params, row).language
        engine = sides_at_start.zero_shot_engine("classify", language=language)
        calibrated = len(engine.label_priors)
        spec.run(engine, pytest.fail, *row)
        assert len(engine.label_priors) == calibrated, row  # Compare's first click calibrates nothing


def test_on_first_use_nothing_zero_shot_loads_at_start(tiny_models):
    runtime = Runtime(plan("hub", tiny_models))
    assert runtime.preload() == {}
    assert not any(runtime.is_ready(task, zero_shot=True) for task in runtime.plan)
    assert not any(key[:2] == ("model", "embedded-gemma") for key in runtime.registry.load_count)


@pytest.mark.parametrize("argv, environ, expected", [
    ([], {}, "start"),
    ([], {"DEMO_COMPARE_SIDES": "first-use"}, "first-use"),
    (["--compare-sides", "start"], {"DEMO_COMPARE_SIDES": "first-use"}, "start"),
])
def test_the_setting_reads_the_flag_over_the_environment(argv, environ, expected):
    assert parse_settings(argv, environ).compare_sides == expected


def test_a_wrong_setting_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit):
        parse_settings([], {"DEMO_COMPARE_SIDES": "later"})
    assert "DEMO_COMPARE_SIDES must be one of start, first-use, got 'later'" in capsys.readouterr().err


def test_zero_shot_sides_are_one_per_engine():
    runtime = Runtime(plan("hub"), plan_zh=plan("hub", language="zh"))
    sides = runtime.zero_shot_sides()
    keys = [engines.zero_shot_key(get_task(task), language) for task, language in sides]
    assert len(keys) == len(set(keys)) and ("sentiment", "en") in sides
