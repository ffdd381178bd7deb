"""Calibration constants kept on disk: an engine's built-in calibration set gives the same numbers at
every start of the same model, so they are computed once per model and inputs and read back later
(about 30 s of every embedded start on a 2-core CPU, and every start of a Space with persistent
storage). The key names the model (its folder's config and weight files by size and time, its device
and dtype), the engines' code (this package's source) and the exact token ids: a changed model, formula
or calibration set computes afresh."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from demo.models import LoadedModel
from demo.storage import cache_root

FOLDER = "calibration"


def model_identity(loaded: LoadedModel) -> list:
    """What makes two loads give the same numbers: where the weights come from, which files they are,
    and where and how they run."""
    folder = Path(loaded.ref.id).expanduser()
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*")
                   if p.suffix in {".json", ".safetensors", ".bin"}) if folder.is_dir() else []
    return [loaded.ref.id, loaded.ref.revision, loaded.placement.label, files]


@cache
def code_identity() -> str:
    """The Gemma engines' source: a changed formula must not read numbers the old one kept."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def kept(loaded: LoadedModel, name: str, inputs, compute: Callable[[], object]):
    """`compute()` (JSON-able: numbers, lists), or what it gave before for this model, `name` and
    `inputs`. Unreadable or unwritable caches compute, never fail."""
    key = hashlib.sha256(json.dumps([model_identity(loaded), code_identity(), name, inputs]).encode()).hexdigest()[:32]
    path = cache_root() / FOLDER / f"{key}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(value))
        partial.replace(path)  # whole or absent: two starts at once never read half a file
    except OSError:
        pass
    return value
