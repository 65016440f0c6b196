"""raw/prices on the live source, against real HTTP on 127.0.0.1, when Yahoo misbehaves.

For each way it misbehaves, one symbol (IWM) fails: the asset reports it by symbol and URL,
its blocking check ``all_keys_loaded`` fails (so no mart is rebuilt), IWM's rows in the
warehouse stay exactly as they were, and every other symbol still loads.
"""

import json
import time

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from support.ingest_runs import by_key
from support.live_yahoo import DAYS, UNKNOWN, chart
from werkzeug import Response

from dagster_project import reference, warehouse
from dagster_project.resources import (
    HttpResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)

FAILING = "IWM"


def too_late() -> Response:
    time.sleep(2.5)  # past the client's 1.5 s timeout
    return Response(chart([1.0, 2.0, 3.0]), content_type="application/json")


FAILURES = {
    "timeout": too_late,
    "429 forever": lambda: Response("slow down", status=429, headers={"Retry-After": "0"}),
    "503 forever": lambda: Response("unavailable", status=503),
    "HTML with status 200": lambda: Response(
        "<!DOCTYPE html><html><body>consent</body></html>", content_type="text/html"
    ),
    "chart.error": lambda: Response(UNKNOWN, status=404, content_type="application/json"),
    "empty body": lambda: Response("", content_type="application/json"),
    "truncated JSON": lambda: Response(
        chart([1.0, 2.0, 3.0])[:80], content_type="application/json"
    ),
    "a close that is not a number": lambda: Response(
        chart(["abc", 2.0, 3.0]), content_type="application/json"
    ),
    "an unknown time zone": lambda: Response(
        chart([1.0, 2.0, 3.0]).replace("America/New_York", "Mars/Base"),
        content_type="application/json",
    ),
    "a result that is not an object": lambda: Response(
        json.dumps({"chart": {"result": ["x"], "error": None}}), content_type="application/json"
    ),
}


@pytest.fixture
def resources(tmp_path, httpserver) -> dict:
    return build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="live", start_date=DAYS[0]),
        HttpResource(
            yahoo_url=httpserver.url_for("/").rstrip("/"),
            retries=1,
            backoff=0.01,
            timeout=1.5,  # headroom for a good response on a busy machine (0.5 s was flaky)
            concurrency=1,  # pytest-httpserver serves one request at a time: no queueing
            rate=0,
        ),
    )


def rows_of(resources: dict, symbol: str) -> pd.DataFrame:
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        return con.execute("select * from raw.prices where symbol = ? order by date", [symbol]).df()


def serve_good_symbols(httpserver) -> None:
    for symbol in (s for s in reference.symbols() if s != FAILING):
        path = (
            f"/v8/finance/chart/{reference.instruments().set_index('symbol').yahoo_symbol[symbol]}"
        )
        httpserver.expect_request(path).respond_with_data(
            chart([100.0, 101.0, 102.0]), content_type="application/json"
        )


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_symbol_is_reported_and_its_rows_stay_as_they_were(
    resources, httpserver, failure
):
    previous = pd.DataFrame(
        {"symbol": FAILING, "date": pd.to_datetime(DAYS), "close": [50.0, 51.0, 52.0]}
    )
    with duckdb.connect(resources["warehouse"].database) as con:
        warehouse.upsert(con, "prices", previous, source="live")
    before = rows_of(resources, FAILING)

    serve_good_symbols(httpserver)
    httpserver.expect_request(f"/v8/finance/chart/{FAILING}").respond_with_handler(
        lambda request: FAILURES[failure]()
    )
    prices_asset = by_key("raw/prices")
    result = materialize([prices_asset], resources=resources, raise_on_error=False)

    assert not result.success  # the blocking completeness check failed the run
    (check,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == "all_keys_loaded"
    ]
    assert not check.passed
    assert check.description == f"failed: {FAILING}"
    message = check.metadata["failed"].value
    assert message.startswith(f"- {FAILING}: ")
    assert f"/v8/finance/chart/{FAILING}" in message  # names the URL
    pd.testing.assert_frame_equal(rows_of(resources, FAILING), before)
    for symbol in ("SPY", "^RUT"):  # the others loaded
        assert rows_of(resources, symbol)["close"].tolist() == [100.0, 101.0, 102.0]
