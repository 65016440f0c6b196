"""Yahoo's chart answers and iShares' holdings served on 127.0.0.1, for the live ingest tests:
a server that notes each request's path and arrival, and how many are served at once."""

from __future__ import annotations

import json
import threading
import time

import pandas as pd
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dagster_project import reference
from dagster_project.sources.ishares import FUNDS

DAYS = ["2026-01-05", "2026-01-06", "2026-01-07"]


def chart(closes: list[float | None]) -> str:
    """Yahoo's chart answer with these closes (and opens, highs, lows) on ``DAYS``."""
    stamps = [int(pd.Timestamp(f"{d} 16:00", tz="America/New_York").timestamp()) for d in DAYS]
    quote = {"open": closes, "high": closes, "low": closes, "close": closes, "volume": [1] * 3}
    result = {
        "meta": {"exchangeTimezoneName": "America/New_York"},
        "timestamp": stamps,
        "indicators": {"quote": [quote], "adjclose": [{"adjclose": closes}]},
    }
    return json.dumps({"chart": {"result": [result], "error": None}})


UNKNOWN = json.dumps(
    {"chart": {"result": None, "error": {"code": "Not Found", "description": "No data found"}}}
)


class Server:
    """Chart and holdings answers, noting each request's path and arrival, and how many
    requests are served at once (the handler holds each one ``delay`` seconds)."""

    def __init__(self, httpserver: HTTPServer, delay: float = 0.0):
        self.httpserver, self.delay = httpserver, delay
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0
        self.arrivals: list[tuple[float, str]] = []
        self.failing: set[str] = set()
        self.slow: dict[str, float] = {}
        self.held: set[str] = set()  # answered only once ``release`` is set
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return self.httpserver.url_for("/").rstrip("/")

    def paths(self) -> list[str]:
        return [path for _, path in self.arrivals]

    def members_asked(self) -> set[str]:
        instruments = set(reference.instruments()["yahoo_symbol"])
        charts = {p.removeprefix("/v8/finance/chart/") for p in self.paths() if "/chart/" in p}
        return charts - instruments

    def handle(self, respond):
        def handler(request: Request) -> Response:
            with self.lock:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                self.arrivals.append((time.monotonic(), request.path))
            try:
                time.sleep(self.slow.get(request.path, self.delay))
                if request.path in self.held:
                    self.release.wait(timeout=60)
                if request.path in self.failing:
                    return Response("unavailable", status=503)
                return respond()
            finally:
                with self.lock:
                    self.in_flight -= 1

        return handler

    def chart(self, ticker: str) -> None:
        self.httpserver.expect_request(f"/v8/finance/chart/{ticker}").respond_with_handler(
            self.handle(
                lambda: Response(chart([10.0, 11.0, 12.0]), content_type="application/json")
            )
        )

    def holdings(self, fund: str, text: str) -> None:
        product, slug = FUNDS[fund]
        path = f"/us/products/{product}/{slug}/1467271812596.ajax"
        self.httpserver.expect_request(path).respond_with_handler(
            self.handle(lambda: Response(text, content_type="text/csv"))
        )

    def instruments(self) -> None:
        for ticker in reference.instruments()["yahoo_symbol"]:
            self.chart(ticker)
