"""raw/constituents and raw/prices on the live source, against real HTTP on 127.0.0.1.

The iShares funds' holdings load, then their members' prices, politely (a threaded server counts
the requests in flight and notes when they arrive); a run that fails for some members, or is
killed half way, is re-run and fetches only the members still missing.
"""

import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest
from dagster import materialize
from pytest_httpserver import HTTPServer
from support.holdings_csv import holdings_csv
from support.live_yahoo import DAYS, UNKNOWN, Server, chart
from werkzeug import Response

from dagster_project import warehouse
from dagster_project.ingest import all_ingest_assets
from dagster_project.resources import (
    HttpResource,
    LoadingResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)


def assets(*keys: str) -> list:
    return [a for a in all_ingest_assets() if a.key.to_user_string() in keys]


def checks(result) -> dict[str, object]:
    return {c.check_name: c for c in result.get_asset_check_evaluations()}


@pytest.fixture
def server():
    """A threaded server on 127.0.0.1 (pytest-httpserver's default serves one at a time)."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    yield Server(httpserver)
    httpserver.clear()
    if httpserver.is_running():
        httpserver.stop()


def live_resources(tmp_path, server: Server, rate: float = 0, batch_symbols: int = 250) -> dict:
    """The live source on ``server``, loading into a warehouse in ``tmp_path``."""
    http = HttpResource(
        yahoo_url=server.url,
        ishares_url=server.url,
        retries=0,
        backoff=0.01,
        timeout=5.0,
        concurrency=3,
        rate=rate,
    )
    return build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(name="live", start_date=DAYS[0]),
        http,
        LoadingResource(batch_symbols=batch_symbols),
    )


def test_holdings_and_members_load_politely(tmp_path, server):
    """IVV, IWM and IJR's holdings (a recent file for every date asked), then the prices of
    the instruments and of the 5 stocks held; never more than 3 requests in flight, and no
    more than 20 a second."""
    as_of = (date.today() - timedelta(days=3)).strftime("%b %d, %Y")
    server.holdings("IWM", holdings_csv(as_of))
    server.holdings("IJR", holdings_csv(as_of))
    server.holdings("IVV", holdings_csv(as_of, layout="large"))
    server.instruments()
    for ticker in ("ACME", "BLUB", "CRNK", "MEGA", "BRK-B"):
        server.chart(ticker)
    server.delay = 0.15  # requests overlap: at 20 a second, 3 start within 0.15 s
    resources = live_resources(tmp_path, server, rate=20.0)

    result = materialize(
        assets("raw/constituents", "raw/prices"),
        resources=resources,
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
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
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
    # The pace spaces the sends 1/20 s apart; an arrival can lag its send (a thread not yet
    # scheduled, the server's own threads), by up to one interval allowed here. So any k + 1
    # arrivals span at least k/20 s less that lag: unpaced, 3 arrive at once and this fails.
    times = sorted(t for t, _ in server.arrivals)
    lag = 0.05
    spans = [(j - i, b - a) for i, a in enumerate(times) for j, b in enumerate(times) if j > i]
    assert all(span >= k * 0.05 - lag for k, span in spans)


def preload_holdings(resources: dict, members: list[str], day: str = DAYS[-1]) -> None:
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
    with duckdb.connect(resources["warehouse"].database) as con:
        warehouse.upsert(con, "constituents", frame, source="live")


def member_rows(resources: dict) -> set[str]:
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        rows = con.sql("select distinct symbol from raw.prices where symbol like 'M%'").fetchall()
    return {symbol for (symbol,) in rows}


MEMBERS = [f"M{i:02d}" for i in range(1, 11)]


def test_a_rerun_after_failures_fetches_only_the_missing_members(tmp_path, server):
    resources = live_resources(tmp_path, server, batch_symbols=3)
    preload_holdings(resources, MEMBERS)
    server.instruments()
    for member in MEMBERS:
        server.chart(member)
    server.failing = {"/v8/finance/chart/M04", "/v8/finance/chart/M07"}

    first = materialize(assets("raw/prices"), resources=resources)
    assert first.success  # members that fail warn: they do not stop the marts
    first_checks = checks(first)
    assert first_checks["all_keys_loaded"].passed
    members_check = first_checks["all_members_loaded"]
    assert not members_check.passed and members_check.severity.value == "WARN"
    assert members_check.description.startswith("2 of 10 members failed: M04, M07 (each error")
    assert "/v8/finance/chart/M04" in members_check.metadata["failed"].value
    assert member_rows(resources) == set(MEMBERS) - {"M04", "M07"}
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        loads = con.sql(
            "select len(keys) from raw.load_log where table_name = 'raw.prices' order by started_at"
        ).fetchall()
    assert [n for (n,) in loads] == [7, 3, 2, 2, 1]  # instruments, then batches of 3 members

    server.failing, server.arrivals = set(), []
    second = materialize(assets("raw/prices"), resources=resources)
    assert second.success and checks(second)["all_members_loaded"].passed
    assert server.members_asked() == {"M04", "M07"}  # the 8 others were current
    assert len([p for p in server.paths() if "/chart/" in p]) == 7 + 2
    assert member_rows(resources) == set(MEMBERS)
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (10, 8)


def test_a_member_that_left_is_priced_once_for_the_days_it_was_held(tmp_path, server):
    resources = live_resources(tmp_path, server)
    preload_holdings(resources, ["M01", "M02", "GONE"], day=DAYS[0])
    preload_holdings(resources, ["M01", "M02"])  # GONE left at the last snapshot
    server.instruments()
    for member in ("M01", "M02", "GONE"):
        server.chart(member)
    first = materialize(assets("raw/prices"), resources=resources)
    assert first.success and checks(first)["all_members_loaded"].passed
    assert server.members_asked() == {"M01", "M02", "GONE"}
    # its prices reach the day it left: current, as are the members still held
    server.arrivals = []
    second = materialize(assets("raw/prices"), resources=resources)
    assert server.members_asked() == set()
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (3, 3)


def test_a_member_delisted_before_it_left_is_fetched_until_its_history_ended(tmp_path, server):
    # DELI's prices end on its first day (delisted), two days before the snapshot it is not in
    resources = live_resources(tmp_path, server)
    preload_holdings(resources, ["M01", "DELI"], day=DAYS[0])
    preload_holdings(resources, ["M01"])
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
    first = materialize(assets("raw/prices"), resources=resources)
    assert checks(first)["all_members_loaded"].passed
    assert server.members_asked() == {"M01", "DELI"}
    with duckdb.connect(resources["warehouse"].database, read_only=True) as con:
        assert con.sql("select max(date) from raw.prices where symbol = 'DELI'").fetchall() == [
            (date(2026, 1, 5),)
        ]
    # asked months after its last price, the source had nothing newer: its history ended, and
    # it is not asked again (nor failed for the 404 it would now get)
    server.arrivals = []
    second = materialize(assets("raw/prices"), resources=resources)
    assert server.members_asked() == set()
    assert checks(second)["all_members_loaded"].passed
    meta = second.asset_materializations_for_node("raw__prices")[0].metadata
    assert (meta["members"].value, meta["members_current"].value) == (2, 2)


CHILD = textwrap.dedent(
    """
    import sys
    from dagster import materialize
    from dagster_project.ingest import all_ingest_assets
    from dagster_project.resources import (
        HttpResource, LoadingResource, SourceResource, WarehouseResource, build_resources,
    )

    warehouse, url = sys.argv[1], sys.argv[2]
    resources = build_resources(
        WarehouseResource(path=warehouse),
        SourceResource(name="live", start_date="2026-01-05"),
        HttpResource(yahoo_url=url, retries=0, timeout=30.0, concurrency=1, rate=0),
        LoadingResource(batch_symbols=2),
    )
    prices = [a for a in all_ingest_assets() if a.key.to_user_string() == "raw/prices"]
    materialize(prices, resources=resources)
    """
)


def test_a_killed_run_is_resumed_by_fetching_only_the_missing_members(tmp_path, server):
    """The loading process is killed (SIGKILL) while fetching its 6th member, in batches of 2
    (one key at a time): the batches committed before stay, and the re-run asks only for the
    members without rows."""
    resources = live_resources(tmp_path, server)
    members = [f"M{i:02d}" for i in range(1, 13)]
    preload_holdings(resources, members)
    server.instruments()
    for member in members:
        server.chart(member)
    server.slow = {f"/v8/finance/chart/M{i:02d}": 0.3 for i in range(1, 13)}
    server.held = {"/v8/finance/chart/M06"}  # the child is killed while waiting for it

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, resources["warehouse"].database, server.url]
    )
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

    loaded = member_rows(resources)
    assert {"M01", "M02", "M03", "M04"} <= loaded and "M06" not in loaded
    server.slow, server.arrivals = {}, []
    result = materialize(assets("raw/prices"), resources=resources)
    assert result.success and checks(result)["all_members_loaded"].passed
    assert server.members_asked() == set(members) - loaded
    assert member_rows(resources) == set(members)
