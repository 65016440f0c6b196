"""Live-provider tests: a real HTTP server on 127.0.0.1 serving each provider's exact format.

``hostile`` replays the ways live endpoints misbehave (docs/sources.md) against any provider: 429
with Retry-After, 5xx then success, 5xx forever, a timeout, an HTML page with status 200 and an
empty body. Retries back off by ~0.01 s so the whole folder runs in seconds. Shared fakes live
in ``provider_fakes.py`` (test modules import them from there, never from this conftest).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from provider_fakes import CONSENT_PAGE, RETRIES, Arrivals, Ok, sleeping, status
from werkzeug import Response

from dagster_project.sources.base import FetchError
from dagster_project.sources.http import HttpClient


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver binds 127.0.0.1 (not 'localhost'), on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture
def http() -> HttpClient:
    return HttpClient(timeout=2.0, retries=RETRIES, backoff=0.01)


@pytest.fixture
def base_url(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


@pytest.fixture
def hostile(httpserver):
    """``hostile(mode, path, ok, fetch, key)`` serves ``mode`` at ``path`` and checks ``fetch``.

    ``fetch(http)`` calls the provider with the given client; ``key`` is the symbol or series the
    error must name. Returns the frame for the modes that end in success.
    """

    def run(
        mode: str, path: str, ok: Ok, fetch: Callable[[HttpClient], pd.DataFrame], key: str
    ) -> pd.DataFrame | None:
        client = HttpClient(timeout=2.0, retries=RETRIES, backoff=0.01)
        responses = {
            "429_retry_after": [status(429, **{"Retry-After": "1"}), ok.response],
            "5xx_then_ok": [status(500), status(503), ok.response],
            "5xx_forever": [status(503)],
            "timeout": [sleeping(0.3)],
            "html_200": [lambda: Response(CONSENT_PAGE, content_type="text/html")],
            "empty": [lambda: Response("", content_type=ok.content_type)],
        }[mode]
        handler = Arrivals(responses)
        httpserver.expect_request(path).respond_with_handler(handler)

        if mode == "429_retry_after":
            frame = fetch(client)
            assert len(handler.times) == 2
            assert handler.times[1] - handler.times[0] >= 1.0  # Retry-After: 1 was honoured
            return frame
        if mode == "5xx_then_ok":
            frame = fetch(client)
            assert len(handler.times) == 3
            return frame

        if mode == "timeout":
            client = HttpClient(timeout=0.1, retries=1, backoff=0.01)
        with pytest.raises(FetchError) as caught:
            fetch(client)
        message = str(caught.value)
        assert caught.value.key == key and message.startswith(f"{key}: ")
        assert path in caught.value.where and httpserver.url_for("/") in caught.value.where
        expected = {
            "5xx_forever": "HTTP 503",
            "timeout": "no response within 0.1 s after 2 tries",
            "html_200": "HTML page",
            "empty": "empty response body",
        }[mode]
        assert expected in message
        if mode == "5xx_forever":
            assert "after 3 tries" in message and len(handler.times) == 3
        return None

    return run
