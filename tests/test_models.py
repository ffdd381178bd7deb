"""The model registry: lazy, one load per key under concurrency, shared, failures not cached."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from demo.errors import ModelLoadError
from demo.models import ModelRef, ModelRegistry, Placement, detect_placement, load_model
from demo.profiles import plan
from demo.runtime import Runtime


def test_concurrent_first_calls_load_once_and_share_the_object():
    registry = ModelRegistry()
    calls = []

    def slow_load():
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return object()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: registry.get("k", slow_load), range(8)))
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_a_failed_load_is_not_cached_so_the_next_call_recovers():
    registry = ModelRegistry()
    attempts = iter([RuntimeError("disk not mounted"), "model"])

    def flaky():
        outcome = next(attempts)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with pytest.raises(RuntimeError):
        registry.get("k", flaky)
    assert not registry.is_loaded("k")
    assert registry.get("k", flaky) == "model"


def test_fill_mask_and_next_sentence_share_one_bert_even_under_concurrent_first_calls(tiny_models):
    runtime = Runtime(plan("hub", tiny_models))
    assert runtime.registry.load_count == {}  # nothing loads before the first request
    with ThreadPoolExecutor(6) as pool:
        engines = list(pool.map(runtime.engine, ["fill_mask", "next_sentence"] * 3))
    assert engines[0].loaded is engines[1].loaded
    bert_keys = [k for k in runtime.registry.load_count if k[0] == "model"]
    assert len(bert_keys) == 1 and runtime.registry.load_count[bert_keys[0]] == 1
    assert runtime.engine("fill_mask") is engines[0]


def test_placement_on_this_machine_is_cpu_float32_or_gpu_half_precision():
    placement = detect_placement()
    if torch.cuda.is_available():
        half = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        assert placement.label == f"cuda · {half}"
    else:
        assert placement.label == "cpu · float32"


def test_a_gpu_is_placed_in_bf16_where_supported_else_fp16(monkeypatch):
    """The GPU branch, run on any machine: accelerate's answer says cuda (its device alone is
    stood in for; the choice of dtype is the code under test)."""
    import accelerate

    monkeypatch.setattr(accelerate, "PartialState", lambda: type("State", (), {"device": torch.device("cuda")})())
    for supported, dtype in ((True, torch.bfloat16), (False, torch.float16)):
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda supported=supported: supported)
        assert detect_placement().dtype == dtype and detect_placement().device.type == "cuda"


def test_loaded_model_sits_on_the_detected_device(runtime):
    loaded = runtime.engine("sentiment").loaded
    assert loaded.model.device.type == runtime.placement.device.type
    assert next(loaded.model.parameters()).dtype == runtime.placement.dtype


def test_a_folder_with_only_pickle_weights_is_refused(tiny_paths, tmp_path):
    folder = tmp_path / "pickle-only"
    shutil.copytree(tiny_paths["sentiment"], folder)
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(ModelLoadError, match="Only safetensors weights are loaded"):
        load_model(ModelRef(str(folder)), AutoModelForSequenceClassification, detect_placement())


def test_a_broken_folder_gives_a_message_that_names_the_model(tiny_paths, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(tiny_paths["sentiment"], folder)
    (folder / "config.json").write_text("{ not json")
    with pytest.raises(ModelLoadError, match="Could not load the model '.*broken'.*complete transformers checkpoint"):
        load_model(ModelRef(str(folder)), AutoModelForSequenceClassification, detect_placement())


@pytest.mark.parametrize("text, ref", [
    ("org/model", ModelRef("org/model")),
    ("org/model@abc123", ModelRef("org/model", "abc123")),
])
def test_model_refs_parse_ids_and_revisions(text, ref):
    assert ModelRef.parse(text) == ref


def test_a_local_folder_is_never_split_at_an_at_sign(tmp_path):
    folder = tmp_path / "model@v2"
    folder.mkdir()
    assert ModelRef.parse(str(folder)) == ModelRef(str(folder))


def test_int8_runs_the_classic_encoders_with_int8_linear_layers_and_leaves_generation_alone(tiny_models):
    runtime = Runtime(plan("hub", tiny_models), int8=True)
    sentiment, fill_mask, generate = (runtime.engine(t) for t in ("sentiment", "fill_mask", "generate"))
    for engine in (sentiment, fill_mask):
        assert any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in engine.loaded.model.modules())
    assert not any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in generate.loaded.model.modules())
    scores = sentiment.classify("A fine film.").scores
    assert set(scores) == {"POSITIVE", "NEGATIVE"} and sum(scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert "int8" in runtime.describe("sentiment") and "int8" not in runtime.describe("generate")


def test_int8_falls_back_to_float_off_the_cpu(tiny_models, caplog):
    gpu = Placement(torch.device("cuda"), torch.bfloat16)
    runtime = Runtime(plan("hub", tiny_models), placement=gpu, int8=True)
    assert not runtime.int8 and not runtime.uses_int8("sentiment")
    assert "--int8 ignored: int8 is for CPUs" in caplog.text
