"""A long request says first how long it will likely take, from this machine's recent figures."""

from __future__ import annotations

import time

from demo.page import expected
from demo.page.endpoint import prepare, view_endpoint
from demo.page.endpoints import Responder
from demo.registry import VIEWS, get_task


def test_the_forecast_scales_the_nearest_recent_figure_and_stays_quiet_for_quick_ones():
    costs = expected.RecentCosts("Shorter texts answer sooner.")
    assert costs.forecast("model", 100) is None  # nothing measured yet
    costs.record("model", 100, 9.0)
    costs.record("model", 1_000, 50.0)
    assert str(costs.forecast("model", 200)) == ("Expected: about 18 s (a request of 100 characters took 9.0 s here "
                                                 "just now). Shorter texts answer sooner.")
    assert "1,000 characters took 50.0 s" in costs.forecast("model", 800)
    assert costs.forecast("model", 10) is None  # about 0.9 s: answered before anyone reads it
    assert costs.forecast("another model", 200) is None


def test_an_explanation_says_its_expected_time_in_the_page_language(runtime, monkeypatch):
    monkeypatch.setattr(expected, "SAID_FROM_S", 0.0)  # the tiny models answer in milliseconds
    endpoint = view_endpoint(get_task("sentiment"), VIEWS["attribution"])
    responder = Responder(endpoint, runtime, {})
    said: list[str] = []

    def progress(fraction, desc=None, **_):  # gr.Progress is called (fraction or None, desc=...)
        said.append(desc)

    first = responder.answer(prepare(endpoint, ("A fine film.",)), progress, "en")
    assert set(first[0]) == {"POSITIVE", "NEGATIVE"}  # the label scores, as /explain_sentiment gives them
    assert not [line for line in said if "Expected" in line]  # no figure of this endpoint yet
    responder.answer(prepare(endpoint, ("A fine film, truly.",)), progress, "zh-CN")
    assert said[-1].startswith("预计约") and "12 个字符" in said[-1] and "文字越短，回答越快。" in said[-1], said


def test_after_the_warm_up_the_first_request_already_says_its_expected_time(runtime, monkeypatch):
    """Each endpoint answers the task's warm-up request once when the models are warm: the first
    visitor's long request has a figure to forecast from (before, the line came from the second on)."""
    monkeypatch.setattr(expected, "SAID_FROM_S", 0.0)  # the tiny models answer in milliseconds
    endpoint = view_endpoint(get_task("sentiment"), VIEWS["attribution"])
    responder = Responder(endpoint, runtime, {})
    runtime.engine("sentiment")  # loaded, as after a preload
    deadline = time.monotonic() + 60  # and quiet: a test before may have left long work that would refuse the warm-up
    while runtime.worker.long_job_running or runtime.worker.long_job_waiting():
        assert time.monotonic() < deadline, "the inference thread stayed busy for 60 s"
        time.sleep(0.05)
    runtime.after_warm_up.append(responder.warm_up)
    runtime.run_after_warm_up()
    assert runtime.after_warm_up == []  # each hook once
    said: list[str] = []
    responder.answer(prepare(endpoint, ("A fine film.",)), lambda fraction, desc=None, **_: said.append(desc), "en")
    warm_up = get_task("sentiment").warm_up_input[0]
    assert [line for line in said if f"a request of {len(warm_up)} characters took" in line], said


def test_a_page_job_that_must_wait_says_why_and_each_step_speaks_the_page_language(monkeypatch):
    import itertools

    from demo.i18n import Text, localize, say
    from demo.scope import RequestScope
    from demo.page import batch_section, jobs  # noqa: F401 (the batch section brings its texts)

    running = jobs.RunningJobs()
    assert running.line() is None  # a place is free: the job's own first line comes at once
    running.change(+jobs.JOBS_CONCURRENCY)
    assert str(running.line()).startswith(f"Waiting: this server runs at most {jobs.JOBS_CONCURRENCY} scorecard")
    assert localize(running.line(), "zh-CN").startswith("等待中")

    def work(count: int, scope):
        for _ in range(2):
            yield say("Task"), Text("Read {rows}; answering…", rows=jobs.count_of(count, "row"))

    assert list(jobs.in_language(work, (1,), lambda: "zh-CN", RequestScope()))[0] == ("任务", "已读取 1 行，正在回答…")
    assert list(jobs.in_language(work, (2,), lambda: "en", RequestScope()))[0] == ("Task", "Read 2 rows; answering…")
    switched = itertools.chain(["en"], itertools.repeat("zh-CN"))  # the page switches between the two steps
    assert list(jobs.in_language(work, (2,), lambda: next(switched), RequestScope())) == [
        ("Task", "Read 2 rows; answering…"), ("任务", "已读取 2 行，正在回答…")]
