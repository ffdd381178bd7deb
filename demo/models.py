"""The model cache: every model is loaded once and shared by all users.

A registry is held by the runtime that uses it. It is lazy (nothing loads at import or
UI build time) and never caches a failure, so a fixed cause (network back, folder repaired)
recovers without a restart. Loads run one at a time in the whole process (`LOAD_LOCK`):
transformers' `from_pretrained` is not thread-safe, and two loads at once can leave tied weights
on the meta device (huggingface/transformers#44940). Every load is checked before it is cached:
no tensor on the meta device, and one tiny forward pass answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from demo import model_patches
from demo.errors import ModelLoadError

Report = Callable[[float, str], None]  # progress of a slow load: (fraction done, message for the user)
LOAD_LOCK = threading.RLock()  # one model load at a time in the process; re-entrant for nested loads
WAIT_POLL_S = 0.25


@dataclass(frozen=True)
class ModelRef:
    """A model on the hub (id plus pinned revision) or a local folder."""

    id: str
    revision: str | None = None

    @property
    def is_local(self) -> bool:
        return Path(self.id).expanduser().is_dir()

    @property
    def looks_local(self) -> bool:
        """A path rather than a hub id: starts with /, ./, ../ or ~, or names an existing folder."""
        return self.id.startswith(("/", "./", "../", "~")) or self.is_local

    @property
    def is_remote(self) -> bool:
        """An OpenAI-compatible engine's URL (demo.engines.remote), not a model to load here."""
        return self.id.startswith(("http://", "https://"))

    @property
    def label(self) -> str:
        if self.revision and not self.is_local:
            return f"{self.id}@{self.revision[:7]}"
        return self.id

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        """Read `ID`, `ID@REVISION` or a local path."""
        text = text.strip()
        if Path(text).expanduser().is_dir() or "@" not in text or text.startswith(("http://", "https://")):
            return cls(text)  # a folder, an unpinned id, or an engine URL (which may hold user@host)
        model_id, revision = text.rsplit("@", 1)
        return cls(model_id, revision or None)


@dataclass(frozen=True)
class Placement:
    """Where a model runs: chosen by accelerate, with the dtype that suits that device."""

    device: torch.device
    dtype: torch.dtype

    @property
    def label(self) -> str:
        return f"{self.device.type} · {str(self.dtype).removeprefix('torch.')}"


def detect_placement() -> Placement:
    """GPU when accelerate sees one (bf16 where supported, else fp16), otherwise CPU fp32."""
    from accelerate import PartialState

    device = PartialState().device
    if device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    elif device.type == "mps":
        dtype = torch.float16
    else:
        dtype = torch.float32
    return Placement(device=device, dtype=dtype)


def int8_unsupported(placement: Placement) -> str | None:
    """Why dynamic int8 cannot run here, or None when it can (CPU with a quantized kernel engine)."""
    if placement.device.type != "cpu":
        return f"int8 is for CPUs; this app runs on {placement.device.type}"
    if not hasattr(torch.ao.quantization, "quantize_dynamic"):  # deprecated in torch 2.13, may go
        return "this torch version has no dynamic quantization"
    if torch.backends.quantized.engine in (None, "none"):
        return "this torch build has no quantized CPU kernels"
    return None


def quantize_int8(model: Any) -> Any:
    """Dynamic int8: Linear weights stored as int8, activations quantized on the fly per batch."""
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class ModelRegistry:
    """Loads each key once, one load at a time, and shares the result."""

    def __init__(self) -> None:
        self._items: dict[Any, Any] = {}
        self.load_count: dict[Any, int] = {}

    def is_loaded(self, key: Any) -> bool:
        return key in self._items

    def get(self, key: Any, load: Callable[[], Any], waiting: Callable[[], None] | None = None) -> Any:
        """Return the cached value for `key`, calling `load` only until it first succeeds.

        While another thread holds the load lock, `waiting` is called every quarter second so the
        caller can show what it is waiting for.
        """
        while key not in self._items:
            if not LOAD_LOCK.acquire(timeout=WAIT_POLL_S):
                if waiting is not None:
                    waiting()
                continue
            try:
                if key not in self._items:
                    self.load_count[key] = self.load_count.get(key, 0) + 1
                    self._items[key] = load()
            finally:
                LOAD_LOCK.release()
        return self._items[key]


@dataclass
class LoadedModel:
    """A model with its tokenizer and where it was placed."""

    ref: ModelRef
    model: Any
    tokenizer: Any
    placement: Placement
    missing_keys: tuple[str, ...] = ()  # weights the checkpoint lacked, initialised at random by transformers

    @property
    def max_length(self) -> int:
        """The longest input the model accepts, in tokens."""
        limits = [
            getattr(self.model.config, name, None)
            for name in ("max_position_embeddings", "n_positions")
        ]
        limits.append(getattr(self.tokenizer, "model_max_length", None))
        usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 1_000_000]
        return min(usable) if usable else 512

    def ids_within_limit(self, texts: list[str]) -> tuple[list[list[int]], list[int]]:
        """Token ids of each text cut to the model's limit, and each text's full length before the cut."""
        rows = self.tokenizer(texts)["input_ids"]
        totals = [len(ids) for ids in rows]
        too_long = [i for i, total in enumerate(totals) if total > self.max_length]
        if too_long:
            cut = self.tokenizer([texts[i] for i in too_long], truncation=True, max_length=self.max_length)
            for i, ids in zip(too_long, cut["input_ids"], strict=True):
                rows[i] = ids
        return rows, totals

    def padded(self, rows: list[list[int]]) -> dict[str, torch.Tensor]:
        """Right-padded input ids and attention mask on the model's device, as wide as the longest row."""
        pad = self.tokenizer.pad_token_id or 0
        width = max(len(ids) for ids in rows)
        ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows])
        mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
        return {"input_ids": ids.to(self.model.device), "attention_mask": mask.to(self.model.device)}


def load_model(
    ref: ModelRef, auto_class: Any, placement: Placement, local_files_only: bool = False,
    run: Callable[..., Any] = lambda fn, *args: fn(*args),
) -> LoadedModel:
    """Load safetensors weights (never remote code), let accelerate place them, and check the result.

    `run` runs the check's forward pass: the app hands it the inference thread's `call`. A forward
    pass on the loading thread gives torch's OpenMP runtime a second pool of threads there, and every
    later pass on the inference thread ran ~30% slower (GPT-2 size: 28 instead of 40 tokens/s)."""
    from transformers import AutoTokenizer

    if ref.looks_local and not ref.is_local:
        raise ModelLoadError(ref.label, "no such folder", "Check the path given with --model or DEMO_MODEL_<TASK>.")
    if ref.is_local and not any(Path(ref.id).expanduser().glob("*.safetensors")):
        raise _refusal(ref, "the folder has no .safetensors weights")
    with LOAD_LOCK:
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                ref.id, revision=ref.revision, trust_remote_code=False, local_files_only=local_files_only
            )
            model, info = auto_class.from_pretrained(
                ref.id,
                revision=ref.revision,
                dtype=placement.dtype,
                device_map={"": placement.device},
                use_safetensors=True,
                trust_remote_code=False,
                local_files_only=local_files_only,
                output_loading_info=True,
            )
        except Exception as exc:  # every loader failure becomes one clear message
            raise _explain_load_failure(ref, exc) from exc
    model.eval()
    model.requires_grad_(False)  # nothing trains: explanations take gradients of their inputs only
    model_patches.speed_up(model)
    loaded = LoadedModel(ref=ref, model=model, tokenizer=tokenizer, placement=placement,
                         missing_keys=tuple(info.get("missing_keys") or ()))
    run(lambda: check_loaded(loaded))
    return loaded


def check_loaded(loaded: LoadedModel) -> None:
    """Refuse a model that cannot answer: a tensor left on the meta device, or a failing forward pass."""
    model = loaded.model
    on_meta = [name for name, tensor in [*model.named_parameters(), *model.named_buffers()] if tensor.is_meta]
    if on_meta:
        plural = "s" if len(on_meta) != 1 else ""
        raise ModelLoadError(loaded.ref.label, f"{len(on_meta)} weight{plural} left unloaded on the meta device "
                             f"(e.g. {on_meta[0]})",
                             "Try again; if it persists, check that the checkpoint is complete.")
    probe = loaded.tokenizer("Hello world.", return_tensors="pt")["input_ids"][:, :8]
    try:
        with torch.inference_mode():
            model(input_ids=probe.to(model.device), attention_mask=torch.ones_like(probe).to(model.device))
    except Exception as exc:
        raise ModelLoadError(loaded.ref.label, f"a test forward pass failed ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:200] if str(exc) else ''})",
                             "Check that the checkpoint matches its config and tokenizer.") from exc


def _refusal(ref: ModelRef, reason: str):
    return ModelLoadError(
        ref.label,
        reason,
        "Only safetensors weights are loaded (pickle .bin files can run code); "
        "convert the checkpoint with `save_pretrained(..., safe_serialization=True)`.",
    )


def _explain_load_failure(ref: ModelRef, exc: Exception):
    text = f"{type(exc).__name__}: {exc}"
    if "safetensors" in text.lower() and ".bin" in text.lower():
        return _refusal(ref, "it has no .safetensors weights")
    if ref.is_local:
        hint = "Check that the folder holds a complete transformers checkpoint (config, tokenizer, weights)."
    else:
        hint = (
            "Check the model id and your network connection, or pass a local folder with "
            "--model TASK=PATH; without the hub, start with --profile embedded."
        )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ModelLoadError(ref.label, first_line[:300], hint)


def outside_base(missing_keys, base_prefix: str) -> list[str]:
    """The weights a checkpoint lacked outside its base model: the task head, which transformers
    would start at random."""
    return [key for key in missing_keys if not key.startswith(f"{base_prefix}.")]
