"""Calibration constants kept on disk: read back for the same model, code and inputs; computed afresh
when any of them changes; a cache that cannot be written never stops a start."""

from __future__ import annotations

import pytest
import torch

from demo.engines.gemma import kept as kept_module
from demo.engines.gemma.kept import kept
from demo.models import LoadedModel, ModelRef, Placement


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(kept_module, "cache_root", lambda: tmp_path / "cache")
    return tmp_path / "cache" / kept_module.FOLDER


def weights_folder(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value
    return compute, calls


def test_the_same_model_and_inputs_read_back_what_was_computed(tmp_path, cache):
    loaded = LoadedModel(ModelRef(str(weights_folder(tmp_path))), None, None, Placement(torch.device("cpu"), torch.float32))
    compute, calls = counting([[0.1, 2 / 3], [1e-300, -5.5]])
    first = kept(loaded, "prior", [[2, 5, 7]], compute)
    again = kept(loaded, "prior", [[2, 5, 7]], compute)
    assert first == again == [[0.1, 2 / 3], [1e-300, -5.5]]  # floats come back exactly
    assert len(calls) == 1 and len(list(cache.glob("*.json"))) == 1
    kept(loaded, "prior", [[2, 5, 8]], compute)  # other token ids
    kept(loaded, "margins", [[2, 5, 7]], compute)  # another constant
    bf16 = LoadedModel(loaded.ref, None, None, Placement(torch.device("cpu"), torch.bfloat16))
    kept(bf16, "prior", [[2, 5, 7]], compute)  # another dtype gives other numbers
    assert len(calls) == 4


def test_new_weights_or_new_code_compute_afresh(tmp_path, cache, monkeypatch):
    folder = weights_folder(tmp_path)
    loaded = LoadedModel(ModelRef(str(folder)), None, None, Placement(torch.device("cpu"), torch.float32))
    compute, calls = counting([1.0])
    kept(loaded, "prior", [1], compute)
    (folder / "model.safetensors").write_bytes(b"other weights")
    kept(loaded, "prior", [1], compute)
    assert len(calls) == 2
    monkeypatch.setattr(kept_module, "code_identity", lambda: "a changed formula")
    kept(loaded, "prior", [1], compute)
    assert len(calls) == 3


def test_a_damaged_or_unwritable_cache_computes_and_serves(tmp_path, cache, monkeypatch):
    loaded = LoadedModel(ModelRef(str(weights_folder(tmp_path))), None, None, Placement(torch.device("cpu"), torch.float32))
    compute, calls = counting([3.0])
    kept(loaded, "prior", [1], compute)
    (stored,) = cache.glob("*.json")
    stored.write_text("[3.0")  # cut short
    assert kept(loaded, "prior", [1], compute) == [3.0] and len(calls) == 2
    assert stored.read_text() == "[3.0]"  # written whole again
    blocked = tmp_path / "a file"
    blocked.write_text("")
    monkeypatch.setattr(kept_module, "cache_root", lambda: blocked)  # no folder can be made under a file
    assert kept(loaded, "prior", [1], compute) == [3.0] and len(calls) == 3
