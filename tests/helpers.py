"""Helpers shared by test modules (no test module imports another)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import httpx


class Counted:
    """An engine that counts its answers and otherwise is the engine it wraps."""

    def __init__(self, engine):
        self.engine, self.answers = engine, 0

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def classify(self, *args, **kwargs):
        self.answers += 1
        return self.engine.classify(*args, **kwargs)


def hold_worker(worker) -> threading.Event:
    """Occupy the inference thread with a long job until the returned event is set: requests queue meanwhile."""
    started, release = threading.Event(), threading.Event()
    worker.start(lambda: (started.set(), release.wait(30)))
    assert started.wait(10)
    return release


def from_address(address: str, timeout: float = 60) -> httpx.Client:
    """An HTTP client whose requests come from `address` (any 127.x.y.z reaches the loopback server)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def wait_for_ready(runtime) -> None:
    """Until every task's models are loaded and warmed (the background warm-ups done)."""
    deadline = time.monotonic() + 60
    while not all(state.phase == "ready" for state in runtime.states.values()):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def run_script(code: str) -> dict:
    """Run `code` in a fresh interpreter, as a user pastes it: the JSON its last line prints."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
