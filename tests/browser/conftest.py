"""The browser tests' page fixture (the `browser` fixture is in tests/conftest.py, test_space.py needs it too)."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from tests.browser.pages import LOOPBACK, open_page


@pytest.fixture()
def page(browser, base_url):
    context, page = open_page(browser, base_url)
    yield page
    outside = [u for u in page.requested if urlparse(u).hostname not in LOOPBACK and not u.startswith("data:")]
    context.close()
    assert outside == [], f"the page requested addresses outside its own server: {outside}"



@pytest.fixture()
def slow_tokens(monkeypatch):
    """50 ms between generated tokens: a tiny model writes hundreds of tokens faster than a click, and on
    a loaded 2-core machine a click can take seconds to land (512 tokens: over 25 s to press Stop). Both
    paths are slowed: the batched decoder's step and `generate`'s per-token checkpoint."""
    from demo.engines import causal_lm, decoding

    def slowed(real):
        def slow(*args, **kwargs):
            time.sleep(0.05)
            return real(*args, **kwargs)
        return slow

    monkeypatch.setattr(causal_lm.Checkpoint, "__call__", slowed(causal_lm.Checkpoint.__call__))
    monkeypatch.setattr(decoding.BatchedDecoder, "_step", slowed(decoding.BatchedDecoder._step))

