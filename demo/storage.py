"""Where the app keeps what it downloads and converts: one directory, which survives restarts where a
Space has persistent storage.

- `DEMO_CACHE_DIR`, when set;
- else, on persistent storage (`/data`, a Space's persistent disk; `DEMO_PERSISTENT_DIR` names
  another), `/data/zero-training-nlp-showcase`, and the hub cache goes to `/data/.huggingface`
  (`HF_HOME`) unless `HF_HOME` is set;
- else `$HF_HOME/zero-training-nlp-showcase` when `HF_HOME` is set, else
  `~/.cache/zero-training-nlp-showcase`.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

FOLDER = "zero-training-nlp-showcase"


def persistent_dir(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """The persistent disk, when there is one this process may write to."""
    path = Path(environ.get("DEMO_PERSISTENT_DIR", "/data"))
    return path if path.is_dir() and os.access(path, os.W_OK) else None


def cache_root(environ: MutableMapping[str, str] = os.environ) -> Path:
    if environ.get("DEMO_CACHE_DIR"):
        return Path(environ["DEMO_CACHE_DIR"])
    if (persistent := persistent_dir(environ)) is not None:
        return persistent / FOLDER
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]) / FOLDER
    return Path(environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / FOLDER


def settle(environ: MutableMapping[str, str] = os.environ) -> None:
    """Point the hub cache at the persistent disk, where there is one and nothing else says where:
    call before anything imports huggingface_hub."""
    persistent = persistent_dir(environ)
    if persistent is not None and not environ.get("HF_HOME"):
        environ["HF_HOME"] = str(persistent / ".huggingface")
