"""Start the real app as a separate process on loopback, for benchmarks that talk to it over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(models: dict[str, Path], extra_args: tuple[str, ...] = (), log_path: Path | None = None):
    """Yield (base_url, process) for `python app.py --model TASK=PATH ...`; stops it afterwards."""
    port = free_port()
    args = [sys.executable, str(ROOT / "app.py"), "--port", str(port), *extra_args]
    for task, path in models.items():
        args += ["--model", f"{task}={path}"]
    env = os.environ | {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base_url}/gradio_api/info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start (exit code {process.poll()}); see {log_path}")
            time.sleep(0.2)
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def call(client: httpx.Client, base_url: str, api_name: str, data: list) -> tuple[str, object]:
    """One REST call as curl makes it: ("complete" | "error" | "queue_full", last data), reading the whole stream."""
    posted = client.post(f"{base_url}/gradio_api/call/{api_name}", json={"data": data})
    if posted.status_code == 503:
        return "queue_full", posted.text
    event_id = posted.json()["event_id"]
    kind, payload = "error", None
    with client.stream("GET", f"{base_url}/gradio_api/call/{api_name}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = line.split(":", 1)[1].strip()
    return kind, payload
