"""The backtest's panel: its table read back against the marts, the verdict worked out apart
from the report's code (from the marts by SQL, and on hand-made frames where the composite
beats momentum), the synthetic note, the rolling IC chart's points, and no data."""

import dataclasses
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from support.report_page import backtest_cells

from dagster_project import report

PAIR = "rut_spx"  # the scorecard's pair (dbt var scorecard_pair): the report's headline pair


def sql(warehouse, query: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query, [PAIR]).df()


def verdict_text(page: str) -> str:
    paragraph = re.search(r'<p class="verdict[^"]*" id="backtest-verdict".*?</p>', page, re.S)
    assert paragraph, "the page has no verdict"
    return re.sub(r"<[^>]+>", "", paragraph.group(0))


def test_the_signal_table_is_the_marts_rows_at_63_days(sample_warehouse, data, built):
    mart = sql(
        sample_warehouse,
        "select * from marts.rpt_scorecard_backtest"
        " where pair_id = ? and period = 'all' and horizon_days = 63",
    )
    cells = backtest_cells(built.index.read_text())
    assert len(cells) == len(mart) == 27  # 11 signals: three values, or two (flows, baselines)
    composite = mart[(mart["signal_name"] == "composite") & (mart["signal_value"] == 1)].iloc[0]
    assert float(cells[("composite", 1)]["hit_rate_frac"]) == composite["hit_rate_frac"]
    for row in mart.itertuples():
        shown = cells[(row.signal_name, row.signal_value)]
        assert int(shown["day_count"]) == row.day_count
        assert float(shown["mean_fwd_spread_bps"]) == pytest.approx(row.mean_fwd_spread_bps)
        assert float(shown["sample_t_stat"]) == pytest.approx(row.sample_t_stat)
        if row.signal_value == 0:  # no side, no hit rate
            assert "hit_rate_frac" not in shown
        else:
            assert float(shown["hit_rate_frac"]) == pytest.approx(row.hit_rate_frac)
    ic = sql(
        sample_warehouse,
        "select ic from marts.rpt_scorecard_ic where pair_id = ? and period = 'all'"
        " and horizon_days = 63 and signal_name = 'composite_score'",
    )
    assert float(cells[("composite", 1)]["ic"]) == pytest.approx(ic["ic"].iloc[0])
    names = list(dict.fromkeys(signal for signal, _ in cells))  # composite first, baselines last
    assert names[0] == "composite" and names[-3:] == [
        "always_small", "naive_momentum", "naive_reversal"
    ]  # fmt: skip


def test_the_verdict_on_the_sample_is_worked_out_from_the_marts(sample_warehouse, data, built):
    # hits over the days each took a side (+1 and -1 together), as query 08 counts them
    sides = sql(
        sample_warehouse,
        "select signal_name, sum(hit_count) / sum(day_count) as hit_rate,"
        " sum(day_count) as side_days from marts.rpt_scorecard_backtest"
        " where pair_id = ? and period = 'all' and horizon_days = 63 and signal_value <> 0"
        " group by signal_name",
    ).set_index("signal_name")
    ics = sql(
        sample_warehouse,
        "select signal_name, sample_ic from marts.rpt_scorecard_ic"
        " where pair_id = ? and period = 'all' and horizon_days = 63",
    ).set_index("signal_name")["sample_ic"]
    composite, momentum = sides.loc["composite"], sides.loc["naive_momentum"]
    # on the sample: 1,675 hits in 3,268 days (51.3%) against 4,014 in 7,798 (51.5%)
    assert composite["hit_rate"] < momentum["hit_rate"]
    page = built.index.read_text()
    text = verdict_text(page)
    assert f"took a side on {int(composite['side_days']):,}" in text
    assert f"hit rate was {composite['hit_rate']:.1%}, against naive momentum's" in text
    assert f"naive momentum's {momentum['hit_rate']:.1%}" in text
    assert f"was {ics['composite_score']:+.3f}" in text
    assert text.rstrip().endswith(": no better than momentum.")
    assert 'data-better="false"' in re.search(r'<p class="verdict".*?>', page).group(0)
    assert "The rule: at a horizon the composite is better than momentum only when both" in page


def backtest_frame(records: dict[str, list[tuple[int, int, int | None]]]) -> pd.DataFrame:
    """rpt_scorecard_backtest rows at 63 days over all history: signal -> (value, days, hits)."""
    rows = [
        {"pair_id": PAIR, "signal_name": signal, "signal_value": value, "horizon_days": 63,
         "period": "all", "day_count": days, "mean_fwd_spread_bps": 10.0, "hit_count": hits,
         "hit_rate_frac": None if hits is None else hits / days, "sample_count": days // 63,
         "sample_mean_fwd_spread_bps": 5.0, "sample_t_stat": 0.5}
        for signal, values in records.items()
        for value, days, hits in values
    ]  # fmt: skip
    return pd.DataFrame(rows)


def ic_frame(composite: float, momentum: float, t: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"pair_id": PAIR, "signal_name": ["composite_score", "naive_momentum"],
         "horizon_days": 63, "period": "all", "day_count": 400, "ic": [composite, momentum],
         "sample_count": 40, "sample_ic": [composite, momentum], "sample_ic_t_stat": [t, 0.3]}
    )  # fmt: skip


# the composite: 70 of 100 days right after +1, 60 of 100 after -1, 50 neutral days: 130 / 200
# = 65%; naive momentum: 110 of 200 and 100 of 200: 210 / 400 = 52.5%
BEATS = {
    "composite": [(1, 100, 70), (0, 50, None), (-1, 100, 60)],
    "naive_momentum": [(1, 200, 110), (-1, 200, 100)],
}


def test_the_verdict_flips_when_the_composite_beats_momentum():
    backtest = backtest_frame(BEATS)
    better = report.verdict(backtest, ic_frame(0.30, 0.05, t=2.5))
    assert (better.days, better.side_days, better.momentum_days) == (250, 200, 400)
    assert better.hit_rate == 0.65 and better.momentum_hit_rate == 0.525
    assert better.better and not better.within_noise
    text = verdict_text(report.backtest_table(backtest, ic_frame(0.30, 0.05, t=2.5)))
    assert text == (
        "Over 250 days the composite took a side on 200; on those its 63-day hit rate was"
        " 65.0%, against naive momentum's 52.5% (over 400 days), and its information"
        " coefficient on 40 non-overlapping days was +0.300 (t = +2.50) against momentum's"
        " +0.050: better than momentum."
    )
    # ahead on both, but on a t-statistic under 2: better, said to be within noise
    weak = report.backtest_table(backtest, ic_frame(0.30, 0.05, t=1.2))
    assert "better than momentum. Its t-statistic is under 2: the lead is within noise" in (
        verdict_text(weak)
    )
    # a higher hit rate with a lower IC, or a tie in the hit rate: no better
    assert not report.verdict(backtest, ic_frame(0.04, 0.05, t=2.5)).better
    tied = dict(BEATS, naive_momentum=[(1, 200, 130), (-1, 200, 130)])  # 260 / 400 = 65%
    tie = report.verdict(backtest_frame(tied), ic_frame(0.30, 0.05, t=2.5))
    assert tie.hit_rate == tie.momentum_hit_rate and not tie.better
    assert verdict_text(report.backtest_table(backtest_frame(tied), ic_frame(0.3, 0.05, 2.5))
                        ).endswith(": no better than momentum.")  # fmt: skip


def test_the_panel_says_the_figures_are_synthetic_and_why_labour_looks_good(sample_warehouse, data):
    labour = sql(
        sample_warehouse,
        "select ic from marts.rpt_scorecard_ic where pair_id = ? and period = 'all'"
        " and horizon_days = 252 and signal_name = 'labour_market_risk'",
    )["ic"].iloc[0]
    assert labour > 0.3  # the sample's artefact the note explains
    table = report.backtest_table(data.backtest, data.backtest_ic, data.pair_sides, synthetic=True)
    note = re.search(r'<p class="note synthetic-note" id="backtest-synthetic">.*?</p>', table)
    assert note and "Synthetic figures." in note.group(0)
    assert f"252-day IC of {labour:+.2f}" in re.sub(r"<[^>]+>", "", note.group(0))
    assert "artefact of how the sample simulates its cycle" in note.group(0)
    real = report.backtest_table(data.backtest, data.backtest_ic, data.pair_sides)
    assert "backtest-synthetic" not in real and "artefact" not in real
    # no high IC of the labour-market signal: the synthetic note, without the artefact
    low = data.backtest_ic.assign(ic=data.backtest_ic["ic"].clip(-0.05, 0.05))
    quiet = report.backtest_table(data.backtest, low, data.pair_sides, synthetic=True)
    assert "Synthetic figures." in quiet and "artefact" not in quiet


def test_the_rolling_ic_chart_draws_each_year_end_of_both_signals(sample_warehouse, data):
    mart = sql(
        sample_warehouse,
        "select signal_name, as_of_date, ic from marts.rpt_scorecard_ic_rolling"
        " where pair_id = ? and horizon_days = 63 order by as_of_date",
    )
    composite = mart[mart["signal_name"] == "composite_score"]
    assert len(composite) == 32  # the year ends 1995-2025 and the latest day, 30 Jun 2026
    fig = report.scorecard_ic_chart(data.ic_rolling)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    drawn = lines["composite score"].get_ydata()
    assert len(drawn) == 32 and np.allclose(drawn, composite["ic"].to_numpy())
    momentum = mart[mart["signal_name"] == "naive_momentum"]["ic"].to_numpy()
    assert np.allclose(lines["naive momentum (baseline)"].get_ydata(), momentum)
    zero = [line for label, line in lines.items() if label.startswith("_")]
    assert [list(line.get_ydata()) for line in zero] == [[0, 0]]  # the zero line


def test_without_the_backtests_rows_the_panel_says_no_data(data, empty_data):
    assert report.backtest_table(pd.DataFrame(), pd.DataFrame()).startswith(
        '<p class="nodata" id="backtest">No data: the backtest has no rows for this pair'
    )
    for ic_rolling in [
        pd.DataFrame(),
        data.ic_rolling[data.ic_rolling["signal_name"] != "composite_score"],
        data.ic_rolling.assign(ic=np.nan),
    ]:
        assert getattr(report.scorecard_ic_chart(ic_rolling), "no_data", False)
    # a backtest without its IC: the tables, and no verdict
    no_ic = report.backtest_table(data.backtest, pd.DataFrame())
    assert "No verdict: the backtest has no 63-day record" in verdict_text(no_ic)
    assert backtest_cells(no_ic)[("composite", 1)]["day_count"] == str(
        data.backtest.query("signal_name == 'composite' and signal_value == 1"
                            " and horizon_days == 63 and period == 'all'")["day_count"].iloc[0]
    )  # fmt: skip
    # another pair than the scorecard's: its backtest frames are empty
    other = dataclasses.replace(
        empty_data, backtest=data.backtest.iloc[:0], ic_rolling=data.ic_rolling.iloc[:0]
    )
    page = report.page(other, report.charts(other))
    assert 'id="chart-scorecard_ic_rolling" data-has-data="false"' in page
    assert "No data: the backtest has no rows for this pair" in page
