"""`python -m dagster_project.summary`, the lines `make run` ends with."""

import shutil

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


def test_a_stale_calendar_index_is_a_warning_naming_what_it_stops(
    sample_warehouse, tmp_path, printed
):
    # ^GSPC's file stopped 30 days before the others': the scorecard ends with it, unsaid
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.prices where symbol = '^GSPC' and date > '2026-05-29'")
    out = printed(warehouse)
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING: ^GSPC: last price 2026-05-29, 32 days before ^RUT's (2026-06-30): the source has"
        " nothing newer; ^GSPC's days are the marts' trading calendar, so the macro, flows,"
        " breadth, concentration and scorecard marts and every pair with ^GSPC end 2026-05-29"
    ]
