"""The shared HTTP client: retries, Retry-After, timeouts and every kind of bad body."""

from __future__ import annotations

import logging
import socket
import time

import pandas as pd
import pytest
from provider_fakes import Arrivals, sleeping, status
from werkzeug import Response

from dagster_project.sources.base import FetchError
from dagster_project.sources.http import (
    HtmlPageError,
    HttpClient,
    HttpStatusError,
    csv_table,
    parse_numbers,
)

SECRET = "SECRETKEY"


def fast(**kwargs) -> HttpClient:
    return HttpClient(**{"timeout": 2.0, "retries": 2, "backoff": 0.01, **kwargs})


def test_good_response_returns_text_without_bom(httpserver):
    httpserver.expect_request("/data.csv").respond_with_data(
        "\ufeffa,b\n1,2\n".encode(), content_type="text/csv"
    )
    assert fast().get_text("KEY", httpserver.url_for("/data.csv")) == "a,b\n1,2\n"


def test_json_is_parsed(httpserver):
    httpserver.expect_request("/j").respond_with_json({"a": [1, 2]})
    assert fast().get_json("KEY", httpserver.url_for("/j")) == {"a": [1, 2]}


def test_429_waits_for_retry_after_then_succeeds(httpserver):
    handler = Arrivals([status(429, **{"Retry-After": "1"}), lambda: Response("ok")])
    httpserver.expect_request("/r").respond_with_handler(handler)
    assert fast().get_text("KEY", httpserver.url_for("/r")) == "ok"
    assert len(handler.times) == 2
    assert handler.times[1] - handler.times[0] >= 1.0


def test_retry_after_is_capped(httpserver):
    """A server asking for an hour does not stall the run: the wait is capped."""
    handler = Arrivals([status(503, **{"Retry-After": "3600"}), lambda: Response("ok")])
    httpserver.expect_request("/r").respond_with_handler(handler)
    assert fast(max_retry_after=0.0).get_text("KEY", httpserver.url_for("/r")) == "ok"
    assert handler.times[1] - handler.times[0] < 1.0


def test_a_long_retry_after_stops_at_the_total_wait_bound(httpserver):
    """Retry-After: 100000 would cost max_retry_after (120 s) per try; the total wait of one
    request is bounded: a wait that would pass it is not waited, the request fails at once."""
    handler = Arrivals([status(429, **{"Retry-After": "100000"})])
    httpserver.expect_request("/r").respond_with_handler(handler)
    url = httpserver.url_for("/r")
    began = time.monotonic()
    with pytest.raises(HttpStatusError) as caught:
        fast(retries=4, max_total_wait=0.5).get_text(
            "IWM", url, {"apikey": SECRET}, secrets=[SECRET]
        )
    assert time.monotonic() - began < 1.0
    err = caught.value
    assert err.status == 429 and err.key == "IWM" and err.where == f"{url}?apikey=***"
    assert str(err).startswith("IWM: HTTP 429 TOO MANY REQUESTS after 1 try: the server asked")
    assert "the server asked to wait 100000 s (Retry-After)" in str(err)
    assert "the total wait bound of 0.5 s per request was reached" in str(err)
    assert SECRET not in str(err)
    assert len(handler.times) == 1


def test_the_bound_is_on_the_waits_of_a_request_together(httpserver):
    """Each Retry-After: 1 is within the bound of 1.5 s; the second would take the total past it.
    The next request of the same client has its own bound."""
    handler = Arrivals([status(503, **{"Retry-After": "1"})])
    httpserver.expect_request("/r").respond_with_handler(handler)
    client = fast(retries=4, max_total_wait=1.5)
    for tries in (2, 4):
        began = time.monotonic()
        with pytest.raises(HttpStatusError, match="after 2 tries: the server asked to wait 1 s"):
            client.get_text("KEY", httpserver.url_for("/r"))
        assert 1.0 <= time.monotonic() - began < 1.5
        assert len(handler.times) == tries


def test_backoff_waits_count_towards_the_bound_too():
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    began = time.monotonic()
    with pytest.raises(FetchError) as caught:  # backoffs 0 s, then 10 x 2 = 20 s
        fast(retries=4, backoff=10.0, max_total_wait=1.0).get_text(
            "KEY", url, {"apikey": SECRET}, secrets=[SECRET]
        )
    assert time.monotonic() - began < 1.0
    message = str(caught.value)
    assert "could not connect after 2 tries" in message
    assert "the next wait (20 s of backoff) would pass the total wait bound of 1 s" in message
    assert SECRET not in message and "apikey=***" in message


def test_the_total_wait_bound_defaults_to_three_minutes():
    assert HttpClient().max_total_wait == 180.0
    with pytest.raises(ValueError, match="max_total_wait"):
        HttpClient(max_total_wait=-1.0)


def test_500_and_503_then_success(httpserver):
    handler = Arrivals([status(500), status(503), lambda: Response("ok")])
    httpserver.expect_request("/r").respond_with_handler(handler)
    assert fast().get_text("KEY", httpserver.url_for("/r")) == "ok"
    assert len(handler.times) == 3


def test_5xx_forever_names_key_url_status_and_tries(httpserver):
    handler = Arrivals([status(502)])
    httpserver.expect_request("/r").respond_with_handler(handler)
    url = httpserver.url_for("/r")
    with pytest.raises(HttpStatusError) as caught:
        fast().get_text("IWM", url, {"s": "iwm.us"})
    err = caught.value
    assert err.status == 502 and err.key == "IWM" and err.where == f"{url}?s=iwm.us"
    assert str(err).startswith("IWM: HTTP 502") and "after 3 tries" in str(err)
    assert len(handler.times) == 3


def test_404_is_not_retried_and_keeps_the_body(httpserver):
    handler = Arrivals([lambda: Response('{"error": "nope"}', status=404)])
    httpserver.expect_request("/r").respond_with_handler(handler)
    with pytest.raises(HttpStatusError) as caught:
        fast().get_json("KEY", httpserver.url_for("/r"))
    assert caught.value.status == 404 and caught.value.body == '{"error": "nope"}'
    assert "after 1 try" in str(caught.value) and len(handler.times) == 1


def test_timeout_is_retried_then_reported(httpserver):
    handler = Arrivals([sleeping(0.3)])
    httpserver.expect_request("/slow").respond_with_handler(handler)
    with pytest.raises(FetchError, match=r"no response within 0\.1 s after 2 tries"):
        fast(timeout=0.1, retries=1).get_text("KEY", httpserver.url_for("/slow"))


def test_connection_refused():
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect after 2 tries") as caught:
        url = f"http://127.0.0.1:{port}/x"
        fast(retries=1).get_text("KEY", url, {"apikey": SECRET}, secrets=[SECRET])
    assert SECRET not in str(caught.value) and "apikey=***" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<!DOCTYPE html><html><title>Consent</title></html>", "text/html; charset=utf-8"),
        ("<html><body>Get an API key</body></html>", "text/plain"),  # mislabelled page
        ("\n  <!doctype html>\n<html></html>", "text/csv"),
    ],
)
def test_html_page_with_status_200(httpserver, body, content_type):
    httpserver.expect_request("/p").respond_with_data(body, content_type=content_type)
    with pytest.raises(HtmlPageError, match="HTML page"):
        fast().get_text("KEY", httpserver.url_for("/p"))


def test_csv_mislabelled_as_html_is_still_data(httpserver):
    httpserver.expect_request("/p").respond_with_data("Date,Close\n", content_type="text/html")
    assert fast().get_text("KEY", httpserver.url_for("/p")) == "Date,Close\n"


def test_empty_body(httpserver):
    httpserver.expect_request("/e").respond_with_data("  \n", content_type="text/csv")
    with pytest.raises(FetchError, match="empty response body"):
        fast().get_text("KEY", httpserver.url_for("/e"))


def test_invalid_json_cut_in_half(httpserver):
    body = '{"chart": {"result": [{"timestamp": [1, 2, 3]}]}}'
    httpserver.expect_request("/j").respond_with_data(body[:20], content_type="application/json")
    with pytest.raises(FetchError, match="invalid JSON .* truncated"):
        fast().get_json("KEY", httpserver.url_for("/j"))


def test_body_shorter_than_its_content_length(httpserver):
    def cut(_request):
        response = Response("Date,Close\n2026-01-02,1")
        response.headers["Content-Length"] = "500"
        return response

    httpserver.expect_request("/t").respond_with_handler(cut)
    with pytest.raises(FetchError, match="cut off"):
        fast().get_text("KEY", httpserver.url_for("/t"))


def test_secrets_never_appear_in_errors_or_logs(httpserver, caplog):
    secret = "SECRETKEY/+&="  # survives URL-encoding as SECRETKEY%2F%2B%26%3D
    httpserver.expect_request("/r").respond_with_handler(Arrivals([status(503)]))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FetchError) as caught:
        fast().get_text("KEY", httpserver.url_for("/r"), {"apikey": secret}, secrets=[secret])
    assert "SECRETKEY" not in str(caught.value) and "apikey=***" in str(caught.value)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "/r?apikey=" in ours  # urllib3 did log the URL (the test server's own log is not ours)
    assert "SECRETKEY" not in ours  # ... without the key


def test_csv_table_rejects_a_row_cut_mid_line():
    with pytest.raises(FetchError, match="line 3 has 2 field"):
        csv_table("KEY", "url", "Date,Open,Close\n2026-01-02,1,2\n2026-01-05,1")
    frame = csv_table("KEY", "url", "Date,Close\n2026-01-02,\n\n2026-01-05,1.5\n")
    assert frame.to_dict("list") == {"Date": ["2026-01-02", "2026-01-05"], "Close": ["", "1.5"]}


def test_parse_numbers_thousands_dashes_and_garbage():
    values = parse_numbers("KEY", "url", pd.Series(["1,234.50", "-", "", "-7.25"]), "x")
    assert values.tolist()[0] == 1234.5 and values.isna().tolist() == [False, True, True, False]
    with pytest.raises(FetchError, match="x 'n/a' in row 2 of the table is not a number"):
        parse_numbers("KEY", "url", pd.Series(["1", "n/a"]), "x")
    with pytest.raises(FetchError, match=r"x '1\.2x' of ACME is not a number \(an edited"):
        parse_numbers(
            "KEY",
            "url",
            pd.Series(["7", "1.2x"], index=[5, 9]),
            "x",
            names=pd.Series(["BLUB", "ACME"], index=[5, 9]),
        )
