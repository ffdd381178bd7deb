"""MCP callers are told apart by their own address, and a forged X-Forwarded-For does not pass
through MCP: a real MCP client per caller, each on its own loopback address, against the app
launched with MCP on (tiny models), the inference thread held so that every call is still waiting
when admission counts it."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

from bench.server import free_port
from demo.admission import LONG_PER_CLIENT, VIEWS_KIND
from demo.models import ModelRef
from demo.profiles import plan
from demo.runtime import Runtime
from demo.settings import Settings
from tests.helpers import hold_worker, wait_for_ready


@pytest.fixture(scope="module")
def mcp_app(tiny_paths):
    from demo.app import create_app, launch

    models = {task: ModelRef(str(path)) for task, path in tiny_paths.items()}
    settings = Settings(port=free_port(), profile="hub", models=models, mcp=True)
    runtime = Runtime(plan("hub", models), plan_zh=plan("hub", models, language="zh"))
    app = create_app(settings, runtime)
    launch(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield app, runtime, f"http://127.0.0.1:{settings.port}/gradio_api/mcp/"
    finally:
        app.close()


def explain_from(url: str, address: str, forged: str | None, text: str) -> tuple[bool, str]:
    """One MCP session from `address` asking for an explanation of `text`: (refused, what came back).
    Each call brings a text never asked before, so that no kept answer lets it finish while the
    inference thread is held."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    def bound_client(headers=None, timeout=None, auth=None) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=address), headers=headers,
                                 timeout=timeout, auth=auth)

    async def talk():
        headers = {"X-Forwarded-For": forged} if forged else None
        async with streamablehttp_client(url, headers=headers, httpx_client_factory=bound_client) as (read, write, _), \
                ClientSession(read, write) as session:
            await session.initialize()
            tool = next(t.name for t in (await session.list_tools()).tools if t.name.endswith("explain_sentiment"))
            result = await session.call_tool(tool, {"text": text})
            return result.isError, json.dumps([c.model_dump() for c in result.content])

    return asyncio.run(talk())


def callers_at_once(app, runtime, url: str, callers: list[tuple[str, str | None]]) -> list[tuple[bool, str]]:
    """Every caller's explanation while the inference thread is held: each is admitted (and waits in
    the queue) or refused before any finishes; then the thread is released."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    wait_for_ready(runtime)
    texts = [f"A warm, funny film: {uuid.uuid4().hex[:8]}." for _ in callers]
    release = hold_worker(runtime.worker)
    try:
        with ThreadPoolExecutor(len(callers)) as pool:
            calls = [pool.submit(explain_from, url, address, forged, text)
                     for (address, forged), text in zip(callers, texts)]
            deadline = time.monotonic() + 120
            while sum(call.done() for call in calls) + waiting_explanations(app) < len(calls):
                assert time.monotonic() < deadline, "the MCP calls were neither admitted nor refused"
                time.sleep(0.1)
            release.set()
            return [call.result(timeout=60) for call in calls]
    finally:
        release.set()


def waiting_explanations(app) -> int:
    return sum(event.concurrency_id == VIEWS_KIND for event in list(app._queue.event_ids_to_events.values()))


def test_six_mcp_callers_on_six_addresses_are_six_clients(mcp_app):
    answers = callers_at_once(*mcp_app, [(f"127.0.5.{n}", None) for n in range(1, 7)])
    assert [refused for refused, _ in answers] == [False] * 6, answers


def test_a_forged_x_forwarded_for_does_not_pass_through_mcp(mcp_app):
    """Six MCP sessions from one address, each claiming another address: one client, held to its share."""
    share = LONG_PER_CLIENT[VIEWS_KIND]
    answers = callers_at_once(*mcp_app, [("127.0.5.20", f"198.51.100.{n}") for n in range(1, 7)])
    refused = [text for is_error, text in answers if is_error]
    assert len(refused) == 6 - share, answers
    # the app's own message, not httpx's error with the app's internal URL
    assert all("You already have" in text and "127.0.0.1:" not in text for text in refused), refused
