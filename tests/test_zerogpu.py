"""ZeroGPU: every model call through a GPU function run in a process forked for it (a faithful
stand-in for the `spaces` package's fork model: fork, run, pickle the result back), and the normal
path unchanged where there is no ZeroGPU."""

from __future__ import annotations

import os
import pickle

import pytest

from demo.engines import zerogpu
from demo.errors import InputError
from demo.inference import InferenceWorker
from demo.profiles import plan
from demo.runtime import Runtime
from demo.registry import get_task


def fork_per_call(fn, *args):
    """Run `fn(*args)` in a forked child, as `spaces` runs each `@spaces.GPU` call; its result or
    exception comes back pickled."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            import torch

            torch.set_num_threads(1)  # the child inherits no live OpenMP pool
            result = (True, (os.getpid(), fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, as spaces does
            result = (False, exc)
        with os.fdopen(write, "wb") as out:
            pickle.dump(result, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as incoming:
        ok, value = pickle.load(incoming)
    os.waitpid(pid, 0)
    if not ok:
        raise value
    child, result = value
    fork_per_call.children.add(child)
    return result


fork_per_call.children = set()


def test_on_zerogpu_model_calls_run_in_a_forked_process_and_answer(tiny_models):
    runtime = Runtime(plan("hub", tiny_models), worker=zerogpu.GpuCallWorker(fork_per_call))
    scores = get_task("sentiment").run(runtime.engine("sentiment"), pytest.fail, "A fine film.")[0]
    assert set(scores) == {"POSITIVE", "NEGATIVE"} and sum(scores.values()) == pytest.approx(1.0, abs=1e-5)
    first, filled, table = get_task("fill_mask").run(runtime.engine("fill_mask"), lambda message: None,
                                                     "A good [MASK].", 3)
    assert len(table) == 3 and "[MASK]" not in filled
    assert fork_per_call.children and os.getpid() not in fork_per_call.children
    with pytest.raises(InputError, match="masks come after the first"):  # raised in the child, pickled back
        get_task("fill_mask").run(runtime.engine("fill_mask"), lambda message: None, "word " * 200 + "[MASK].", 3)


def test_without_zerogpu_the_inference_thread_serves_as_before():
    assert not zerogpu.active({}) and zerogpu.active({"SPACES_ZERO_GPU": "true"})
    assert type(zerogpu.worker()) is InferenceWorker


def test_on_zerogpu_a_generation_runs_in_the_forked_process_and_its_text_comes_back(tiny_models):
    runtime = Runtime(plan("hub", tiny_models), worker=zerogpu.GpuCallWorker(fork_per_call))
    *_, (text, probabilities, steps) = get_task("generate").run(runtime.engine("generate"), pytest.fail,
                                                                 "Once upon", 6, 0.0)
    assert text.startswith("Once upon") and sum(step["tokens"] for step in steps) == 6


def test_the_real_spaces_decorator_wraps_every_call_and_answers_off_zerogpu(tiny_models):
    """The installed `spaces` package's own `@spaces.GPU` around every model call, as on ZeroGPU;
    off ZeroGPU hardware it runs the call in place (its fork and GPU lease need ZeroGPU itself,
    which the stand-in above plays)."""
    runner = zerogpu.gpu_runner()  # imports spaces and decorates with spaces.GPU
    assert callable(runner) and runner(lambda a, b: a + b, 2, 3) == 5
    runtime = Runtime(plan("hub", tiny_models), worker=zerogpu.GpuCallWorker())
    scores = get_task("sentiment").run(runtime.engine("sentiment"), pytest.fail, "A fine film.")[0]
    assert set(scores) == {"POSITIVE", "NEGATIVE"}
    *_, (text, _, steps) = get_task("generate").run(runtime.engine("generate"), pytest.fail, "Once upon", 4, 0.0)
    assert text.startswith("Once upon") and sum(step["tokens"] for step in steps) == 4
