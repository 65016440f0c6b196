"""Fake provider endpoints for pytest-httpserver: good responses, hostile ones, arrival times."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug import Request, Response

RETRIES = 2  # three tries in all
HOSTILE_MODES = ("429_retry_after", "5xx_then_ok", "5xx_forever", "timeout", "html_200", "empty")
CONSENT_PAGE = (
    "<!DOCTYPE html><html><head><title>Before you continue</title></head>"
    "<body>We use cookies.</body></html>"
)


@dataclass
class Ok:
    """A good response of a provider: its body and content type."""

    body: str | bytes
    content_type: str

    def response(self) -> Response:
        return Response(self.body, status=200, content_type=self.content_type)


class Arrivals:
    """A handler that answers from a list of responses (the last one repeats), noting when each
    request arrived (time.monotonic) and its raw URI."""

    def __init__(self, responses: list[Callable[[], Response]]):
        self.responses, self.times, self.uris = responses, [], []

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        self.uris.append(request.environ.get("RAW_URI", request.full_path))
        return self.responses[min(len(self.times), len(self.responses)) - 1]()


def status(code: int, **headers: str) -> Callable[[], Response]:
    return lambda: Response("busy", status=code, headers=headers)


def sleeping(seconds: float) -> Callable[[], Response]:
    def respond() -> Response:
        time.sleep(seconds)
        return Response("too late", status=200)

    return respond
