"""`python -m dagster_project.summary`, the lines `make run` ends with."""

import duckdb
import pytest

from dagster_project import summary


@pytest.fixture
def printed(monkeypatch, capsys):
    def run(warehouse) -> str:
        monkeypatch.setenv("ROTATION_WAREHOUSE", str(warehouse))
        summary.main()
        return capsys.readouterr().out

    return run


def test_the_summary_labels_each_pair_and_warns_of_nothing_when_current(sample_warehouse, printed):
    out = printed(sample_warehouse)
    assert "SYNTHETIC" in out and "WARNING" not in out
    assert "  rut_spx: Russell 2000 vs S&P 500 price indices (no dividends)" in out
    assert "  iwm_spy: Russell 2000 ETF vs S&P 500 ETF on total return (adjusted close)" in out


def test_a_stale_index_is_a_warning_naming_the_pairs_it_stops(warehouse_copy, printed):
    # ^GSPC's file stopped 30 days before the others': its pair ends with it, unsaid
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.prices where symbol = '^GSPC' and date > '2026-05-29'")
    out = printed(warehouse)
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING: ^GSPC: last price 2026-05-29, 32 days before ^RUT's (2026-06-30): the source has"
        " nothing newer; every pair with ^GSPC (rut_spx) ends 2026-05-29; the daily marts go"
        " on to the trading calendar's last day without it"
    ]


def test_every_table_is_counted_and_members_without_prices_are_a_warning(
    sample_warehouse, warehouse_copy, printed
):
    counted = {line.split()[0]: line.split()[1] for line in printed(sample_warehouse).splitlines()
               if line.strip().startswith(("raw.", "marts."))}  # fmt: skip
    for table in [
        "raw.constituents",
        "marts.fct_breadth_daily",
        "marts.fct_concentration_daily",
        "marts.rpt_rotation_episode_summary",
    ]:
        assert int(counted[table]) > 0, table
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        members = con.sql("select distinct symbol from raw.constituents order by 1").df()
        con.execute("delete from raw.prices where symbol in ('L0003', 'S0010', 'S0011')")
    warnings = [line for line in printed(warehouse).splitlines() if line.startswith("WARNING")]
    assert warnings == [
        f"WARNING: 3 of the {len(members)} members of the funds' holdings have no prices:"
        " breadth and concentration leave them out (the raw/prices check all_members_loaded"
        " lists them)"
    ]


def test_empty_breadth_marts_say_why(warehouse_copy, printed):
    # the only snapshot is dated after the calendar's last day (Tuesday 2026-06-30): it waits
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.constituents where date < '2026-06-30'")
        con.execute("update raw.constituents set date = '2026-07-01'")
        con.execute("delete from marts.fct_breadth_daily")
    out = printed(warehouse)
    assert (
        "WARNING: the breadth and concentration marts are empty: every holdings snapshot (the"
        " first 2026-07-01) is dated after the trading calendar's last day (2026-06-30:"
        " raw.trading_calendar, as far as any instrument, ETF or macro series is loaded), and a"
        " snapshot waits for its close's prices"
    ) in out
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update raw.constituents set date = '2026-06-30'")
    assert "no member has a price while its snapshot is in force" in printed(warehouse)


def test_rsp_spy_is_named_equal_weight_against_cap_weight(sample_warehouse, printed):
    out = printed(sample_warehouse)
    (rsp,) = [line for line in out.splitlines() if line.split()[:1] == ["rsp_spy"]]
    (rut,) = [line for line in out.splitlines() if line.split()[:1] == ["rut_spx"]]
    assert "equal weight (RSP)" in rsp and "cap weight (SPY)" in rsp
    assert "small caps (^RUT)" in rut and "large caps (^GSPC)" in rut
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        regimes = dict(
            con.execute(
                "select pair_id, arg_max(regime, rotation_date) from marts.fct_rotation_daily"
                " group by 1"
            ).fetchall()
        )
    rsp_words = {
        "small_cap_leadership": "equal-weight leadership",
        "large_cap_leadership": "cap-weight leadership",
    }.get(regimes["rsp_spy"], regimes["rsp_spy"])
    assert rsp_words in rsp and "small" not in rsp and "large" not in rsp
    rut_words = {
        "small_cap_leadership": "small-cap leadership",
        "large_cap_leadership": "large-cap leadership",
    }.get(regimes["rut_spx"], regimes["rut_spx"])
    assert rut_words in rut
