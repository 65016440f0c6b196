"""The raw/prices and raw/constituents assets on the live source, against real HTTP on 127.0.0.1.

For each way Yahoo misbehaves, one symbol (IWM) fails: the asset reports it by symbol and URL,
its blocking check ``all_keys_loaded`` fails (so no mart is rebuilt), IWM's rows in the
warehouse stay exactly as they were, and every other symbol still loads.

Constituents: the iShares funds' holdings load, then their members' prices, politely (a
threaded server counts the requests in flight and notes when they arrive); a run that fails
for some members, or is killed half way, is re-run and fetches only the members still missing.
"""

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from pytest_httpserver import HTTPServer
from support.holdings_csv import holdings_csv
from werkzeug import Request, Response

from dagster_project import reference, warehouse
from dagster_project.ingest import ingest_assets
from dagster_project.resources import RotationSettings, build_resources
from dagster_project.sources.ishares import FUNDS

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
def settings(tmp_path, httpserver) -> RotationSettings:
    return RotationSettings(
        source="live",
        warehouse=str(tmp_path / "w.duckdb"),
        start_date=DAYS[0],
        yahoo_url=httpserver.url_for("/").rstrip("/"),
        http_retries=1,
        http_backoff=0.01,
        http_timeout=1.5,  # headroom for a good response on a busy machine (0.5 s was flaky)
        http_concurrency=1,  # pytest-httpserver serves one request at a time: no queueing
        http_rate=0,
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
        and e.asset_check_evaluation_data.check_name == "all_keys_loaded"
    ]
    assert not check.passed
    assert check.description == f"failed: {FAILING}"
    message = check.metadata["failed"].value
    assert message.startswith(f"- {FAILING}: ")
    assert f"/v8/finance/chart/{FAILING}" in message  # names the URL
    pd.testing.assert_frame_equal(rows_of(settings, FAILING), before)
    for symbol in ("SPY", "^RUT"):  # the others loaded
        assert rows_of(settings, symbol)["close"].tolist() == [100.0, 101.0, 102.0]


# --- constituents and their members' prices -----------------------------------------------------


def assets(*keys: str) -> list:
    return [a for a in ingest_assets if a.key.to_user_string() in keys]


def checks(result) -> dict[str, object]:
    return {c.check_name: c for c in result.get_asset_check_evaluations()}


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


@pytest.fixture
def server():
    """A threaded server on 127.0.0.1 (pytest-httpserver's default serves one at a time)."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    yield Server(httpserver)
    httpserver.clear()
    if httpserver.is_running():
        httpserver.stop()


def live_settings(tmp_path, server: Server, **overrides) -> RotationSettings:
    options = dict(
        source="live",
        warehouse=str(tmp_path / "w.duckdb"),
        start_date=DAYS[0],
        yahoo_url=server.url,
        ishares_url=server.url,
        http_retries=0,
        http_backoff=0.01,
        http_timeout=5.0,
        http_concurrency=3,
        http_rate=0,
    )
    return RotationSettings(**(options | overrides))


def test_holdings_and_members_load_politely(tmp_path, server):
    """IVV, IWM and IJR's holdings (a recent file for every date asked), then the prices of
    the instruments and of the 5 stocks held; never more than 3 requests in flight, and at
    least 1/20 s between two requests."""
    as_of = (date.today() - timedelta(days=3)).strftime("%b %d, %Y")
    server.holdings("IWM", holdings_csv(as_of))
    server.holdings("IJR", holdings_csv(as_of))
    server.holdings("IVV", holdings_csv(as_of, layout="large"))
    server.instruments()
    for ticker in ("ACME", "BLUB", "CRNK", "MEGA", "BRK-B"):
        server.chart(ticker)
    server.delay = 0.15  # requests overlap: at 20 a second, 3 start within 0.15 s
    settings = live_settings(tmp_path, server, http_rate=20.0)

    result = materialize(
        assets("raw/constituents", "raw/prices"),
        resources=build_resources(settings),
        raise_on_error=False,
    )
    assert result.success
    assert {name: c.passed for name, c in checks(result).items()} == {
        "all_keys_loaded": True,
        "all_members_loaded": True,
        "instruments_current": True,
        "expectations_raw_constituents": True,
        "expectations_raw_prices": True,
        "plausible_against_history": True,
        "nothing_quarantined": True,
    }
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        held = con.sql("select fund, symbol, weight from raw.constituents order by all").df()
        priced = con.sql("select symbol, count(*) n from raw.prices group by 1").df()
    assert held.groupby("fund")["symbol"].apply(list).to_dict() == {
        "IJR": ["ACME", "BLUB", "CRNK"],
        "IVV": ["BRKB", "MEGA"],
        "IWM": ["ACME", "BLUB", "CRNK"],
    }
    counts = priced.set_index("symbol")["n"].to_dict()
    assert {s: counts.get(s) for s in ("ACME", "BLUB", "CRNK", "MEGA", "BRKB")} == dict.fromkeys(
        ["ACME", "BLUB", "CRNK", "MEGA", "BRKB"], 3
    )
    assert "/v8/finance/chart/BRK-B" in server.paths()  # iShares' BRKB is Yahoo's BRK-B
    assert 2 <= server.peak <= 3
    times = sorted(t for t, _ in server.arrivals)
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.05 - 0.02


def preload_holdings(settings: RotationSettings, members: list[str], day: str = DAYS[-1]) -> None:
    frame = pd.DataFrame(
        {
            "fund": "IWM",
            "date": pd.Timestamp(day),
            "symbol": members,
            "name": [f"MADE-UP CO {m}" for m in members],
            "sector": "Industrials",
            "weight": 1.0 / len(members),
            "shares": 1000.0,
        }
    )
    with duckdb.connect(settings.warehouse_path) as con:
        warehouse.upsert(con, "constituents", frame, source="live")


def member_rows(settings: RotationSettings) -> set[str]:
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        rows = con.sql("select distinct symbol from raw.prices where symbol like 'M%'").fetchall()
    return {symbol for (symbol,) in rows}


MEMBERS = [f"M{i:02d}" for i in range(1, 11)]


def test_a_rerun_after_failures_fetches_only_the_missing_members(tmp_path, server):
    settings = live_settings(tmp_path, server, batch_symbols=3)
    preload_holdings(settings, MEMBERS)
    server.instruments()
    for member in MEMBERS:
        server.chart(member)
    server.failing = {"/v8/finance/chart/M04", "/v8/finance/chart/M07"}

    first = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert first.success  # members that fail warn: they do not stop the marts
    first_checks = checks(first)
    assert first_checks["all_keys_loaded"].passed
    members_check = first_checks["all_members_loaded"]
    assert not members_check.passed and members_check.severity.value == "WARN"
    assert members_check.description.startswith("2 of 10 members failed: M04, M07 (each error")
    assert "/v8/finance/chart/M04" in members_check.metadata["failed"].value
    assert member_rows(settings) == set(MEMBERS) - {"M04", "M07"}
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        loads = con.sql(
            "select len(keys) from raw.load_log where table_name = 'raw.prices' order by started_at"
        ).fetchall()
    assert [n for (n,) in loads] == [7, 3, 2, 2, 1]  # instruments, then batches of 3 members

    server.failing, server.arrivals = set(), []
    second = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert second.success and checks(second)["all_members_loaded"].passed
    assert server.members_asked() == {"M04", "M07"}  # the 8 others were current
    assert len([p for p in server.paths() if "/chart/" in p]) == 7 + 2
    assert member_rows(settings) == set(MEMBERS)
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (10, 8)


def test_a_member_that_left_is_priced_once_for_the_days_it_was_held(tmp_path, server):
    settings = live_settings(tmp_path, server)
    preload_holdings(settings, ["M01", "M02", "GONE"], day=DAYS[0])
    preload_holdings(settings, ["M01", "M02"])  # GONE left at the last snapshot
    server.instruments()
    for member in ("M01", "M02", "GONE"):
        server.chart(member)
    first = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert first.success and checks(first)["all_members_loaded"].passed
    assert server.members_asked() == {"M01", "M02", "GONE"}
    # its prices reach the day it left: current, as are the members still held
    server.arrivals = []
    second = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert server.members_asked() == set()
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (3, 3)


def test_a_member_delisted_before_it_left_is_fetched_until_its_history_ended(tmp_path, server):
    # DELI's prices end on its first day (delisted), two days before the snapshot it is not in
    settings = live_settings(tmp_path, server)
    preload_holdings(settings, ["M01", "DELI"], day=DAYS[0])
    preload_holdings(settings, ["M01"])
    server.instruments()
    server.chart("M01")
    one_day = chart([10.0, None, None])  # Yahoo's nulls: no close on the later days
    answers = iter([Response(one_day, content_type="application/json")])
    # after the first answer, Yahoo has dropped the dead ticker
    server.httpserver.expect_request("/v8/finance/chart/DELI").respond_with_handler(
        server.handle(
            lambda: next(answers, Response(UNKNOWN, status=404, content_type="application/json"))
        )
    )
    first = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert checks(first)["all_members_loaded"].passed
    assert server.members_asked() == {"M01", "DELI"}
    with duckdb.connect(settings.warehouse_path, read_only=True) as con:
        assert con.sql("select max(date) from raw.prices where symbol = 'DELI'").fetchall() == [
            (date(2026, 1, 5),)
        ]
    # asked months after its last price, the source had nothing newer: its history ended, and
    # it is not asked again (nor failed for the 404 it would now get)
    server.arrivals = []
    second = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert server.members_asked() == set()
    assert checks(second)["all_members_loaded"].passed
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (2, 2)


CHILD = textwrap.dedent(
    """
    import sys
    from dagster import materialize
    from dagster_project.ingest import ingest_assets
    from dagster_project.resources import RotationSettings, build_resources

    warehouse, url = sys.argv[1], sys.argv[2]
    settings = RotationSettings(
        source="live", warehouse=warehouse, start_date="2026-01-05", yahoo_url=url,
        http_retries=0, http_timeout=30.0, http_concurrency=1, http_rate=0, batch_symbols=2,
    )
    prices = [a for a in ingest_assets if a.key.to_user_string() == "raw/prices"]
    materialize(prices, resources=build_resources(settings))
    """
)


def test_a_killed_run_is_resumed_by_fetching_only_the_missing_members(tmp_path, server):
    """The loading process is killed (SIGKILL) while fetching its 6th member, in batches of 2
    (one key at a time): the batches committed before stay, and the re-run asks only for the
    members without rows."""
    settings = live_settings(tmp_path, server)
    members = [f"M{i:02d}" for i in range(1, 13)]
    preload_holdings(settings, members)
    server.instruments()
    for member in members:
        server.chart(member)
    server.slow = {f"/v8/finance/chart/M{i:02d}": 0.3 for i in range(1, 13)}
    server.held = {"/v8/finance/chart/M06"}  # the child is killed while waiting for it

    child = subprocess.Popen([sys.executable, "-c", CHILD, settings.warehouse_path, server.url])
    try:
        deadline = time.monotonic() + 120
        while "/v8/finance/chart/M06" not in server.paths():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)  # batches 1 and 2 were committed before M05 was asked
    finally:
        child.wait(timeout=30)
        server.release.set()
    assert child.returncode == -signal.SIGKILL

    loaded = member_rows(settings)
    assert {"M01", "M02", "M03", "M04"} <= loaded and "M06" not in loaded
    server.slow, server.arrivals = {}, []
    result = materialize(assets("raw/prices"), resources=build_resources(settings))
    assert result.success and checks(result)["all_members_loaded"].passed
    assert server.members_asked() == set(members) - loaded
    assert member_rows(settings) == set(members)
