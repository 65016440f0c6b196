"""The raw/prices asset on the live source, against a real HTTP server on 127.0.0.1.

For each way Yahoo misbehaves, one symbol (IWM) fails: the asset reports it by symbol and URL,
its blocking check ``all_keys_loaded`` fails (so no mart is rebuilt), IWM's rows in the
warehouse stay exactly as they were, and every other symbol still loads.
"""

import json
import time

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from werkzeug import Response

from dagster_project import reference, warehouse
from dagster_project.ingest import ingest_assets
from dagster_project.resources import RotationSettings, build_resources

DAYS = ["2026-01-05", "2026-01-06", "2026-01-07"]
FAILING = "IWM"


def chart(closes: list[float | None]) -> str:
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


def too_late() -> Response:
    time.sleep(1.0)  # past the client's 0.5 s timeout
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
}


@pytest.fixture
def settings(tmp_path, httpserver) -> RotationSettings:
    return RotationSettings(
        source="live",
        warehouse=str(tmp_path / "w.duckdb"),
        start_date=DAYS[0],
        yahoo_url=httpserver.url_for("/").rstrip("/"),
        http_retries=1,
        http_backoff=0.01,
        http_timeout=0.5,
    )


def rows_of(settings: RotationSettings, symbol: str) -> pd.DataFrame:
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
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
def test_a_failing_symbol_is_reported_and_its_rows_stay_as_they_were(settings, httpserver, failure):
    previous = pd.DataFrame(
        {"symbol": FAILING, "date": pd.to_datetime(DAYS), "close": [50.0, 51.0, 52.0]}
    )
    with duckdb.connect(settings.warehouse_path) as con:
        warehouse.upsert(con, "prices", previous, source="live")
    before = rows_of(settings, FAILING)

    serve_good_symbols(httpserver)
    httpserver.expect_request(f"/v8/finance/chart/{FAILING}").respond_with_handler(
        lambda request: FAILURES[failure]()
    )
    prices_asset = next(a for a in ingest_assets if a.key.to_user_string() == "raw/prices")
    result = materialize([prices_asset], resources=build_resources(settings), raise_on_error=False)

    assert not result.success  # the blocking completeness check failed the run
    (check,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert check.check_name == "all_keys_loaded" and not check.passed
    assert check.description == f"failed: {FAILING}"
    message = check.metadata["failed"].value
    assert message.startswith(f"- {FAILING}: ")
    assert f"/v8/finance/chart/{FAILING}" in message  # names the URL
    pd.testing.assert_frame_equal(rows_of(settings, FAILING), before)
    for symbol in ("SPY", "^RUT"):  # the others loaded
        assert rows_of(settings, symbol)["close"].tolist() == [100.0, 101.0, 102.0]
