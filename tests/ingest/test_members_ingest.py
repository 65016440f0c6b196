"""Constituents and their members' prices: the sample's indexes and a folder of holdings files,
members loaded in batches, current ones skipped, members that left priced for the days they
were held."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from dagster import AssetCheckSeverity, AssetKey, instance_for_test, materialize
from support.holdings_csv import SMALL_ROWS, holdings_csv
from support.ingest_runs import by_key, files_at, materialization, query, write

from dagster_project import quality
from dagster_project.resources import (
    LoadingResource,
    SourceResource,
    WarehouseResource,
    build_resources,
)


def test_prices_depend_on_constituents_and_warn_on_members():
    prices = by_key("raw/prices")
    assert AssetKey(["raw", "constituents"]) in prices.asset_deps[AssetKey(["raw", "prices"])]
    specs = {spec.name: spec for spec in prices.check_specs}
    assert specs["all_keys_loaded"].blocking and not specs["all_members_loaded"].blocking
    assert not specs["instruments_current"].blocking
    # a load is validated before it is written: the raw suite and plausibility block
    assert specs["expectations_raw_prices"].blocking and specs["plausible_against_history"].blocking
    assert not specs["nothing_quarantined"].blocking
    assert [s.name for s in by_key("raw/constituents").check_specs] == [
        "all_keys_loaded",
        "expectations_raw_constituents",
        "nothing_quarantined",
    ]


@pytest.fixture
def sample_resources(tmp_path) -> dict:
    return build_resources(
        WarehouseResource(path=str(tmp_path / "w.duckdb")),
        SourceResource(sample_members=20),
        loading=LoadingResource(batch_symbols=15),
    )


def test_sample_constituents_and_member_prices_load(sample_resources):
    both = [by_key("raw/constituents"), by_key("raw/prices")]
    result = materialize(both, resources=sample_resources)
    assert result.success
    held = query(sample_resources, "select * from raw.constituents")
    assert held.groupby("fund")["symbol"].nunique().to_dict() == {"^GSPC": 20, "^RUT": 20}
    assert held["date"].nunique() == 378  # month-ends from January 1995 to June 2026
    assert (held["source"] == "sample").all()
    prices = query(sample_resources, "select symbol, count(*) n from raw.prices group by 1")
    rows = prices.set_index("symbol")["n"]
    assert rows["L0020"] == rows["S0001"] == rows["^GSPC"]
    assert len(rows) == 7 + 40
    loads = query(
        sample_resources,
        "select len(keys) n from raw.load_log where table_name = 'raw.prices' order by started_at",
    )
    assert loads["n"].tolist() == [7, 15, 15, 10]  # instruments, then members in batches of 15
    meta = materialization(result, "raw__prices")
    assert (meta["members"], meta["members_current"], meta["loads"]) == (40, 0, 4)
    assert meta["dagster/row_count"] == rows.sum()
    # the raw suites pass on what was loaded
    for suite, table in (("raw_constituents", held), ("raw_prices", None)):
        frame = table if table is not None else query(sample_resources, "select * from raw.prices")
        assert [o.describe() for o in quality.validate(frame, suite) if not o.success] == []

    again = materialize(both, resources=sample_resources)
    meta = materialization(again, "raw__prices")
    assert (meta["members_current"], meta["rows_inserted"], meta["loads"]) == (40, 0, 1)
    assert materialization(again, "raw__constituents")["rows_inserted"] == 0


def test_fewer_sample_members_leave_the_latest_snapshot(sample_resources):
    both = [by_key("raw/constituents"), by_key("raw/prices")]
    assert materialize(both, resources=sample_resources).success
    fewer = build_resources(sample_resources["warehouse"], SourceResource(sample_members=10))
    result = materialize(both, resources=fewer)
    assert result.success
    assert materialization(result, "raw__constituents")["rows_deleted"] == 20  # 10 per index
    latest = query(
        sample_resources,
        "select fund, count(*) n, sum(weight) w from raw.constituents"
        " where date = '2026-06-30' group by 1 order by 1",
    )
    assert latest["n"].tolist() == [10, 10]
    assert latest["w"].round(12).tolist() == [1.0, 1.0]
    # the 20 that left are still members of the earlier snapshots, priced to the day they left
    meta = materialization(result, "raw__prices")
    assert (meta["members"], meta["members_current"]) == (40, 40)


def holdings_and_prices(data: Path) -> None:
    """IWM's and IJH's holdings (IJH: not a seed ETF), and prices of IWM and of two of its three
    members (no CRNK.csv), and of ZZZ (no instrument, no member)."""
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jan 06, 2026"))
    write(data / "holdings" / "IJH_holdings.csv", holdings_csv("Jan 06, 2026"))
    for symbol in ("IWM", "ACME", "BLUB"):
        write(data / "prices" / f"{symbol}.csv", "Date,Close\n2026-01-05,10\n2026-01-06,11\n")
    write(data / "prices" / "ZZZ.csv", "Date,Close\n2026-01-05,1\n")


def test_files_holdings_and_member_prices(tmp_path):
    data = tmp_path / "drop"
    holdings_and_prices(data)
    resources = files_at(data, tmp_path)
    result = materialize([by_key("raw/constituents"), by_key("raw/prices")], resources=resources)
    assert result.success
    held = query(resources, "select fund, symbol, weight, shares from raw.constituents order by 2")
    assert held.to_dict("list") == {
        "fund": ["IWM"] * 3,
        "symbol": ["ACME", "BLUB", "CRNK"],
        "weight": [0.6, 0.3, 0.05],
        "shares": [10_000.0, 20_000.0, 1_000.0],
    }
    evaluations = {
        (c.asset_key.to_user_string(), c.check_name): c
        for c in result.get_asset_check_evaluations()
    }
    constituents = evaluations[("raw/constituents", "all_keys_loaded")]
    assert constituents.passed  # IVV and IJR have no file: not provided, not failed
    assert (
        "no file holdings/IJR_holdings.csv" in constituents.metadata["not_provided_by_source"].value
    )
    assert "holdings/IJH_holdings.csv" in constituents.metadata["files_ignored"].value
    members = evaluations[("raw/prices", "all_members_loaded")]  # a warning: the marts go on
    assert not members.passed and members.severity == AssetCheckSeverity.WARN
    assert members.description == "1 of 3 members not provided by the source: CRNK"
    assert "no file prices/CRNK.csv" in members.metadata["not_provided_by_source"].value
    ignored = evaluations[("raw/prices", "all_keys_loaded")].metadata["files_ignored"].value
    assert "prices/ZZZ.csv" in ignored and "ACME" not in ignored
    priced = query(resources, "select distinct symbol from raw.prices order by 1")
    assert priced["symbol"].tolist() == ["ACME", "BLUB", "IWM"]

    # a member's file edited in place is read again (files are never skipped as current)
    write(data / "prices" / "ACME.csv", "Date,Close\n2026-01-05,10\n2026-01-06,11.5\n")
    again = materialize([by_key("raw/prices")], resources=resources)
    assert materialization(again, "raw__prices")["rows_updated"] == 1
    assert materialization(again, "raw__prices")["members_current"] == 0

    # a member split 2:1 on 6 Jan, downloaded again with two months of history: every earlier
    # close halved; its file changed, so the history is fetched again whole, not from the overlap
    days = pd.bdate_range("2025-11-03", "2026-01-06")
    closes = [5.0] * (len(days) - 1) + [11.5]
    write(
        data / "prices" / "ACME.csv",
        "Date,Close\n" + "".join(f"{d:%Y-%m-%d},{c}\n" for d, c in zip(days, closes, strict=True)),
    )
    earlier = SourceResource(name="files", data_dir=str(data), start_date="2025-11-01")
    split = materialize(
        [by_key("raw/prices")], resources=build_resources(resources["warehouse"], earlier)
    )
    assert materialization(split, "raw__prices")["reloaded_whole"] == (
        "ACME (prices/ACME.csv changed)"
    )
    acme = query(resources, "select date, close from raw.prices where symbol = 'ACME' order by 1")
    assert acme["close"].tolist() == closes and len(acme) == len(days)


def test_the_sources_warnings_reach_the_run_log(tmp_path):
    """With the instance resources `make run` and `make ui` use, a source's warning (here a
    holdings line repeated cell for cell) is in the run's event log, not only on stderr."""
    instance_yaml = Path(__file__).resolve().parents[2] / "dagster_home" / "dagster.yaml"
    python_logs = yaml.safe_load(instance_yaml.read_text())["python_logs"]
    data = tmp_path / "drop"
    repeated = holdings_csv("Jan 06, 2026", rows=[*SMALL_ROWS, SMALL_ROWS[0]])
    write(data / "holdings" / "IWM_holdings.csv", repeated)
    resources = files_at(data, tmp_path)
    with instance_for_test(overrides={"python_logs": python_logs}) as instance:
        result = materialize([by_key("raw/constituents")], resources=resources, instance=instance)
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any("ACME on identical lines" in m and "counted once" in m for m in messages)


def test_an_older_holdings_file_dropped_later_is_loaded(tmp_path):
    data = tmp_path / "drop"
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 19, 2026"))
    resources = files_at(data, tmp_path)
    constituents = [by_key("raw/constituents")]
    assert materialize(constituents, resources=resources).success
    write(data / "holdings" / "IWM_holdings_20260529.csv", holdings_csv("May 29, 2026"))
    result = materialize(constituents, resources=resources)
    meta = materialization(result, "raw__constituents")
    assert (meta["rows_inserted"], meta["rows_updated"]) == (3, 0)  # May's 3 stocks; June's as is
    dates = query(resources, "select distinct date from raw.constituents order by 1")["date"]
    assert [str(d.date()) for d in dates] == ["2026-05-29", "2026-06-19"]


def test_a_member_that_left_is_priced_from_its_file(tmp_path):
    gone = SMALL_ROWS[0].replace('"ACME"', '"GONE"').replace("ACME WIDGETS", "GONE AWAY")
    data = tmp_path / "drop"
    write(data / "holdings" / "IWM_holdings_0529.csv", holdings_csv("May 29, 2026", rows=[gone]))
    write(data / "holdings" / "IWM_holdings.csv", holdings_csv("Jun 19, 2026"))
    for symbol in ("IWM", "ACME", "BLUB", "CRNK", "GONE"):
        write(data / "prices" / f"{symbol}.csv", "Date,Close\n2026-05-29,10\n2026-06-19,11\n")
    resources = files_at(data, tmp_path)
    result = materialize([by_key("raw/constituents"), by_key("raw/prices")], resources=resources)
    prices = {
        c.check_name: c
        for c in result.get_asset_check_evaluations()
        if c.asset_key.to_user_string() == "raw/prices"
    }
    assert prices["all_members_loaded"].passed
    assert "GONE" not in prices["all_keys_loaded"].metadata["files_ignored"].value
    priced = query(resources, "select distinct symbol from raw.prices where symbol = 'GONE'")
    assert len(priced) == 1
