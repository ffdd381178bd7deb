"""Start a real OpenAI-compatible engine, `transformers serve`, on loopback for tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bench.server import wait_until_answers


def serve_command() -> list[str]:
    """`transformers serve`, from the same environment as this Python."""
    script = Path(sys.executable).with_name("transformers")
    return [str(script)] if script.exists() else [shutil.which("transformers") or "transformers"]


@contextmanager
def running_engine(model: Path, port: int, log_path: Path | None = None, startup_s: float = 120):
    """Yield the engine's base URL (`http://127.0.0.1:PORT/v1`) once it answers; stop it afterwards.

    The model is preloaded (`transformers serve MODEL`), on the CPU, with the hub's update check off.
    """
    env = os.environ | {"HF_HUB_DISABLE_UPDATE_CHECK": "1", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    command = [*serve_command(), "serve", str(model), "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{url}/health", process, startup_s, f"transformers serve; see {log_path}")
        yield f"{url}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
