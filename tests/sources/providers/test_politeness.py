"""Politeness of the shared HTTP client, measured by a threaded server on 127.0.0.1.

The server counts the requests it is serving at once and notes when each arrived: the client
never has more than ``concurrency`` requests in flight, and spaces the requests to one host at
least 1 / ``rate`` seconds apart, retries included.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from dagster_project.sources.http import HostPace, HttpClient

SLACK = 0.02  # seconds: the server notes arrivals a little after the client sent them


class Meter:
    """A handler that holds each request ``delay`` seconds, counting those served at once."""

    def __init__(self, delay: float = 0.0, fail_first: int = 0):
        self.delay, self.fail_first = delay, fail_first
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0
        self.times: list[float] = []

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.times.append(time.monotonic())
            number = len(self.times)
        try:
            time.sleep(self.delay)
            if number <= self.fail_first:
                return Response("busy", status=503)
            return Response("ok,1\n", content_type="text/csv")
        finally:
            with self.lock:
                self.in_flight -= 1

    def gaps(self) -> list[float]:
        times = sorted(self.times)
        return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.fixture
def server():
    """A threaded server (pytest-httpserver's default serves one request at a time)."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    yield httpserver
    httpserver.clear()
    if httpserver.is_running():
        httpserver.stop()


def get_all(client: HttpClient, urls: list[str], threads: int) -> list[str]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda url: client.get_text("KEY", url), urls))


def test_requests_in_flight_never_exceed_the_concurrency(server):
    meter = Meter(delay=0.1)
    server.expect_request("/data").respond_with_handler(meter)
    client = HttpClient(timeout=5.0, retries=0, concurrency=3)
    bodies = get_all(client, [server.url_for("/data")] * 15, threads=8)
    assert bodies == ["ok,1\n"] * 15
    assert meter.peak == 3  # never more, and the bound is used


def test_without_a_bound_threads_run_at_once(server):
    """The measure works: the same load with no bound has more requests in flight."""
    meter = Meter(delay=0.1)
    server.expect_request("/data").respond_with_handler(meter)
    get_all(HttpClient(timeout=5.0, retries=0), [server.url_for("/data")] * 8, threads=8)
    assert meter.peak > 3


def test_requests_to_a_host_keep_the_rate(server):
    meter = Meter()
    server.expect_request("/data").respond_with_handler(meter)
    client = HttpClient(timeout=5.0, retries=0, concurrency=4, rate=10.0)
    began = time.monotonic()
    get_all(client, [server.url_for("/data")] * 12, threads=4)
    elapsed = time.monotonic() - began
    assert min(meter.gaps()) >= 0.1 - SLACK, meter.gaps()
    assert elapsed >= 11 * 0.1 - SLACK  # 12 requests: 11 intervals


def test_retries_keep_the_rate_too(server):
    meter = Meter(fail_first=2)
    server.expect_request("/data").respond_with_handler(meter)
    client = HttpClient(timeout=5.0, retries=2, backoff=0.0, rate=5.0)
    assert client.get_text("KEY", server.url_for("/data")) == "ok,1\n"
    assert len(meter.times) == 3  # two 503s, then the answer
    assert min(meter.gaps()) >= 0.2 - SLACK, meter.gaps()


def test_the_rate_is_per_host(server):
    """127.0.0.1 and localhost are two hosts to the client: their requests interleave."""
    meter = Meter()
    server.expect_request("/data").respond_with_handler(meter)
    client = HttpClient(timeout=5.0, retries=0, rate=4.0)
    port = server.port
    urls = [f"http://127.0.0.1:{port}/data", f"http://localhost:{port}/data"] * 4
    began = time.monotonic()
    get_all(client, urls, threads=2)
    elapsed = time.monotonic() - began
    assert 3 * 0.25 - SLACK <= elapsed < 7 * 0.25  # 4 a host at 4/s, not 8 in a row


def test_the_pace_reserves_slots_across_threads():
    pace = HostPace(20.0)
    stamps: list[float] = []
    lock = threading.Lock()

    def hit() -> None:
        pace.wait("example.org")
        with lock:
            stamps.append(time.monotonic())

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: hit(), range(12)))
    stamps.sort()
    assert min(b - a for a, b in zip(stamps, stamps[1:], strict=False)) >= 0.05 - 0.01
    assert HostPace(None).interval == 0 and HostPace(0).interval == 0


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        HttpClient(concurrency=0)
    with pytest.raises(ValueError, match="rate must be positive"):
        HttpClient(rate=-1.0)
