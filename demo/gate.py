"""The ASGI gate in front of Gradio: what a request may be before Gradio parses or stores it.

- A body over its limit is refused with 413 before it is parsed (1 MB; an upload, 2 MB).
- An upload is a CSV, at most `UPLOADS_PER_MINUTE` per client address, and the files Gradio keeps
  stay within `UPLOAD_DISK_BUDGET` bytes (oldest dropped first); Gradio's own 10-minute clean-up
  runs only every 10 minutes, so a flood could otherwise fill the disk in between.
- A `/call/NAME` for a name the app does not have gets 404 with the endpoints' names (Gradio: 500).
- An MCP request's `X-Forwarded-For` is replaced by the client's address as admission reads it:
  Gradio runs each MCP tool call as a new HTTP request from 127.0.0.1 carrying the caller's headers,
  and uvicorn believes `X-Forwarded-For` from 127.0.0.1, so a forged header passed through, and
  without one every MCP caller was the one client 127.0.0.1.
- A request file made before this process started (a previous run's scorecard, upload or report)
  gets 404: the folder is swept by age only, every 10 minutes.
- A result stream (`/call/NAME/EVENT_ID`, `queue/data`) for an event or session the queue does not
  hold gets 404 before the stream starts (Gradio raised inside the started stream: a traceback in
  the log and a dropped connection).
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from demo.admission import client_address
from demo.errors import excerpt

MAX_BODY_BYTES = 1_000_000  # the longest text accepted (200,000 characters) fits, as UTF-8 JSON, with room
UPLOAD_PATH = "/gradio_api/upload"
MAX_UPLOAD_BODY_BYTES = 2_000_000 + 64_000  # a 2 MB CSV and its multipart envelope
MCP_PREFIX = "/gradio_api/mcp"
UPLOADS_PER_MINUTE = 10
UPLOAD_DISK_BUDGET = 64 * 2**20
CALL_PREFIX = "/gradio_api/call/"
FILE_PREFIX = "/gradio_api/file="
STARTED = time.time()  # files in the request folder from before this are a previous process's
_FILENAME = re.compile(rb'content-disposition:[^\r\n]*filename="([^"\r\n]*)"', re.IGNORECASE)


class UploadBook:
    """Who uploaded when (per client address, the last minute), and the disk budget of kept files."""

    def __init__(self, folder: Callable[[], Path], per_minute: int = UPLOADS_PER_MINUTE,
                 budget: int = UPLOAD_DISK_BUDGET):
        self.folder, self.per_minute, self.budget = folder, per_minute, budget
        self._times: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            times = self._times[client]
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            for other in [c for c, t in self._times.items() if not t]:  # forget clients with no recent upload
                del self._times[other]
            return True

    def make_room(self, incoming: int) -> None:
        """Delete the oldest kept files until `incoming` more bytes fit in the budget."""
        root = self.folder()
        if not root.is_dir():
            return
        files = []
        for path in root.rglob("*"):
            try:
                if path.is_file():
                    stat = path.stat()
                    files.append((stat.st_mtime, stat.st_size, path))
            except FileNotFoundError:
                continue
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total + incoming <= self.budget:
                break
            path.unlink(missing_ok=True)
            total -= size


class RequestGate:
    """ASGI middleware: body limits, upload rules and unknown endpoints, before Gradio sees a request."""

    def __init__(self, app, api_names: Callable[[], set[str]] = set, uploads: UploadBook | None = None,
                 trusted_proxies: frozenset[str] = frozenset(), max_bytes: int = MAX_BODY_BYTES,
                 max_upload_bytes: int = MAX_UPLOAD_BODY_BYTES,
                 stream_held: Callable[[str | None, str | None], bool] | None = None,
                 file_folder: Callable[[], Path] | None = None):
        self.app, self.api_names, self.uploads, self.stream_held = app, api_names, uploads, stream_held
        self.file_folder = file_folder  # the request files' folder: what a previous process left is not served
        self.trusted_proxies, self.max_bytes, self.max_upload_bytes = trusted_proxies, max_bytes, max_upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if scope.get("method") == "POST" and path.startswith(CALL_PREFIX):
            name = path[len(CALL_PREFIX):].strip("/")
            known = self.api_names()
            if known and "/" not in name and name not in known:
                return await _answer(send, 404, f"There is no endpoint named '/{excerpt(name, 40)}'. The endpoints "
                                                f"are: {', '.join('/' + n for n in sorted(known))}.")
        if scope.get("method") == "GET" and self.stream_held is not None:
            wanted = _stream_wanted(path, scope.get("query_string", b""))
            if wanted is not None and not self.stream_held(*wanted):
                return await _answer(send, 404, "No such event or session: its results were already read, or it "
                                                "never existed. Send the request again.")
        if scope.get("method") in ("GET", "HEAD") and path.startswith(FILE_PREFIX) and self._before_start(path):
            return await _answer(send, 404, "That file was made before the app last started, and is no longer "
                                            "served. Run the request again for a new one.")
        upload = path.endswith(UPLOAD_PATH) and scope.get("method") == "POST"
        limit = self.max_upload_bytes if upload else self.max_bytes
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if path.startswith(MCP_PREFIX):
            scope = with_client_stamped(scope, headers, self.trusted_proxies)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._too_large(send, limit)
        if upload and self.uploads is not None:
            client = client_address((scope.get("client") or (None,))[0], headers, self.trusted_proxies)
            if not self.uploads.allow(client):
                return await _answer(send, 429, f"Too many uploads from your address (at most "
                                                f"{self.uploads.per_minute} a minute). Please wait a minute.")
        elif declared is not None:
            return await self.app(scope, receive, send)
        # read the body (at most the limit) so that it can be checked, then hand it on
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                return await self._too_large(send, limit)
        body = b"".join(chunks)
        if upload and self.uploads is not None:
            names = [name.decode("utf-8", "replace") for name in _FILENAME.findall(body)]
            if not names or not all(name.lower().endswith(".csv") for name in names):
                shown = ", ".join(excerpt(name, 40) for name in names) or "no file name"
                return await _answer(send, 415, f"Only CSV files (.csv) can be uploaded here; got {shown}.")
            self.uploads.make_room(len(body))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _before_start(self, path: str) -> bool:
        """Whether a requested file lies in the request-file folder and was made before this process
        started: a previous process's scorecards and uploads were served by URL until swept (10 min)."""
        if self.file_folder is None:
            return False
        try:
            wanted = Path(path[len(FILE_PREFIX):]).resolve()
            return wanted.is_relative_to(self.file_folder().resolve()) and wanted.stat().st_mtime < STARTED
        except (OSError, ValueError):
            return False

    async def _too_large(self, send, limit: int) -> None:
        await _answer(send, 413, f"Request body too large: the limit is {limit:,} bytes. "
                                 "Texts of up to 200,000 characters, and CSV files of up to 2 MB, fit.")


def with_client_stamped(scope, headers: dict[str, str], trusted_proxies: frozenset[str]):
    """The scope with `X-Forwarded-For` saying only the client's address, as admission reads it: the
    header Gradio forwards with an MCP tool call's request back into the app."""
    client = client_address((scope.get("client") or (None,))[0], headers, trusted_proxies)
    kept = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"x-forwarded-for"]
    return scope | {"headers": [*kept, (b"x-forwarded-for", client.encode("latin-1"))]}


def _stream_wanted(path: str, query: bytes) -> tuple[str | None, str | None] | None:
    """(event id, session hash) of a request for a result stream; None for any other request."""
    if path.startswith(CALL_PREFIX) and path[len(CALL_PREFIX):].strip("/").count("/") == 1:
        return path.rstrip("/").rsplit("/", 1)[1], None
    if path.endswith("/gradio_api/queue/data"):
        session = parse_qs(query.decode("latin-1")).get("session_hash", [""])[0]
        return None, session
    return None


async def _answer(send, status: int, text: str) -> None:
    """A plain-text answer that closes the connection (the rest of a refused body is never read)."""
    data = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(data)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})
