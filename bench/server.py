"""Start the real app as a separate process on loopback, for benchmarks that talk to it over HTTP."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# Servers started here load Compare's zero-shot side (Gemma) on the first Compare, not at start: tests
# and benchmarks start many, and time what they name; `bench.views` asks for the default, `start`.
# The environment of the caller wins.
SERVER_DEFAULTS = {"DEMO_COMPARE_SIDES": "first-use"}


def free_port() -> int:
    """A port free on every interface, below the ephemeral range: a port the kernel hands out (bind to
    0) is in the range outgoing connections take their local ports from, and one of them can take it
    in the seconds before the server starts listening ("Address already in use")."""
    below = range(20_000, min(_ephemeral_low(), 32_768))
    for port in random.Random().sample(below, min(200, len(below))):
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
                return port
            except OSError:
                continue
    with socket.socket() as sock:  # no room below the ephemeral range: let the kernel choose
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ephemeral_low() -> int:
    """The first port of the range outgoing connections take their local ports from."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def wait_until_answers(url: str, process: subprocess.Popen, timeout_s: float, what: str) -> None:
    """Return once `url` answers 200; raise if `process` exits first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (exit code {process.poll()})")
        time.sleep(0.2)


@contextmanager
def running_app(models: dict[str, Path], extra_args: tuple[str, ...] = (), log_path: Path | None = None):
    """Yield (base_url, process) for `python app.py --model TASK=PATH ...`; stops it afterwards."""
    args = [str(ROOT / "app.py"), *extra_args]
    for task, path in models.items():
        args += ["--model", f"{task}={path}"]
    with running_server(args, log_path) as started:
        yield started


@contextmanager
def running_server(args: list[str], log_path: Path | None = None):
    """Yield (base_url, process) for `python ARGS --port PORT` once its Gradio API answers."""
    port = free_port()
    command = [sys.executable, *args, "--port", str(port)]
    env = SERVER_DEFAULTS | os.environ | {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
                                          "PYTHONUNBUFFERED": "1"}
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base_url}/gradio_api/info", process, 300, f"the server; see {log_path}")
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@contextmanager
def running_replicas(replica_args: list[str], app_args: list[str], log_path: Path):
    """Yield the JSON line of `scripts/replicas.py REPLICA_ARGS -- APP_ARGS` (nginx's URL, each replica's
    port and pid) once nginx and every replica answer; stops them all afterwards."""
    import signal

    command = [sys.executable, str(ROOT / "scripts" / "replicas.py"), *replica_args, "--port", str(free_port()),
               "--", *app_args]
    env = SERVER_DEFAULTS | os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
                                          "GRADIO_ANALYTICS_ENABLED": "False"}
    with open(log_path, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=output, text=True)
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"scripts/replicas.py {' '.join(replica_args)} did not start (exit code "
                               f"{process.poll()}); see {log_path}")
        yield json.loads(line)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def call(client: httpx.Client, base_url: str, api_name: str, data: list) -> tuple[str, object]:
    """One REST call as curl makes it: ("complete" | "error" | "queue_full" | "too_many", last data),
    reading the whole stream."""
    posted = client.post(f"{base_url}/gradio_api/call/{api_name}", json={"data": data})
    if posted.status_code == 503:
        return "queue_full", posted.text
    if posted.status_code == 429:
        return "too_many", posted.text
    event_id = posted.json()["event_id"]
    kind, payload = "error", None
    with client.stream("GET", f"{base_url}/gradio_api/call/{api_name}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = line.split(":", 1)[1].strip()
    return kind, payload


class BrowserSession:
    """Calls endpoints the way the page in a browser tab does: one session, queue/join then queue/data.

    Unlike `call` (a fresh session per request, as curl gets), Gradio builds the session's state once.
    """

    def __init__(self, client: httpx.Client, base_url: str):
        self.client, self.base_url, self.session_hash = client, base_url, uuid.uuid4().hex
        config = client.get(f"{base_url}/config").json()
        self.endpoints = {d["api_name"]: (d["id"], d["targets"][0][0]) for d in config["dependencies"] if d.get("api_name")}

    def join(self, api_name: str, data: list) -> httpx.Response:
        """Queue one event, as the page does on a click; its results come on `queue/data`."""
        fn_index, trigger_id = self.endpoints[api_name]
        return self.client.post(f"{self.base_url}/gradio_api/queue/join", json={
            "data": data, "fn_index": fn_index, "trigger_id": trigger_id,
            "session_hash": self.session_hash, "event_data": None,
        })

    def cancel(self, api_name: str, event_id: str) -> None:
        """Cancel a queued or running event, as the page's Stop used to."""
        self.client.post(f"{self.base_url}/gradio_api/cancel", json={
            "session_hash": self.session_hash, "fn_index": self.endpoints[api_name][0], "event_id": event_id})

    def call(self, api_name: str, data: list) -> tuple[str, object]:
        """("complete" | "error", the output data or error message) of one event."""
        joined = self.join(api_name, data)
        if joined.status_code != 200:
            return "error", joined.text
        event_id = joined.json()["event_id"]
        with self.client.stream("GET", f"{self.base_url}/gradio_api/queue/data",
                                params={"session_hash": self.session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                    if message.get("success"):
                        return "complete", message["output"]["data"]
                    return "error", message.get("output", {}).get("error")
        return "error", "the event stream ended early"
