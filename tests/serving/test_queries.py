"""The analyst's queries in queries/: each runs on the sample warehouse, and their answers match
a separate pandas reading of the marts."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def run(warehouse: Path, name: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql((QUERIES / name).read_text()).df()


def mart(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).df()


def test_there_are_at_least_five_queries():
    assert len(list(QUERIES.glob("*.sql"))) >= 5


@pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.sql")))
def test_each_query_answers(sample_warehouse, name):
    text = (QUERIES / name).read_text()
    assert text.startswith("-- "), "each query opens with the question it answers"
    assert len(run(sample_warehouse, name)) >= 1


def test_ytd_lead_rarity_matches_pandas(sample_warehouse):
    prices = mart(
        sample_warehouse,
        "select symbol, price_date, ret_ytd from marts.fct_prices_daily "
        "where symbol in ('^RUT', '^GSPC')",
    ).pivot(index="price_date", columns="symbol", values="ret_ytd")
    prices = prices.dropna().sort_index()
    spread = (prices["^RUT"] - prices["^GSPC"]) * 10000
    frame = pd.DataFrame({"spread": spread, "year": spread.index.year})
    frame["day"] = frame.groupby("year").cumcount() + 1
    latest = frame.iloc[-1]
    earlier = frame[(frame["day"] == latest["day"]) & (frame["year"] < latest["year"])]

    row = run(sample_warehouse, "01_ytd_lead_and_rarity.sql").set_index("pair_id").loc["rut_spx"]
    assert row["trading_day_of_year"] == latest["day"]
    assert row["spread_ytd_bps"] == pytest.approx(round(latest["spread"]), abs=1)
    assert row["earlier_years"] == len(earlier)
    expected_rank = (earlier["spread"] < latest["spread"]).mean()
    assert row["rarity_pct_rank_frac"] == pytest.approx(expected_rank, abs=0.0005)
    best = earlier.loc[earlier["spread"].idxmax()]
    assert row["best_earlier_year"] == best["year"]
    assert row["best_earlier_bps"] == pytest.approx(best["spread"], abs=0.5)


def test_past_episodes_match_pandas(sample_warehouse):
    episodes = mart(
        sample_warehouse,
        "select * from marts.fct_rotation_episodes where pair_id = 'rut_spx' and side = 'small'",
    ).sort_values("start_date")
    latest = episodes.iloc[-1]
    earlier = episodes[
        (episodes["start_date"] < latest["start_date"])
        & (episodes["start_spread_10d_bps"].abs() >= abs(latest["start_spread_10d_bps"]))
    ]
    done = earlier.dropna(subset=["fwd_spread_63d_bps"])

    answer = run(sample_warehouse, "02_after_past_episodes.sql")
    row = answer.query("pair_id == 'rut_spx' and side == 'small' and horizon_days == 63").iloc[0]
    assert row["side_label"] == "small caps"
    assert set(answer.query("pair_id == 'rsp_spy'")["side_label"]) == {"equal weight", "cap weight"}
    assert row["similar_past_episodes"] == len(done) > 0
    assert row["median_fwd_spread_bps"] == pytest.approx(
        np.median(done["fwd_spread_63d_bps"]), abs=0.5
    )
    assert row["lead_continued_frac"] == pytest.approx(
        done["lead_continued_63d"].astype(bool).mean(), abs=0.005
    )


def test_labour_market_triggers_match_pandas(sample_warehouse):
    macro = mart(
        sample_warehouse,
        "select trading_date, sahm_indicator_pp from marts.fct_macro_daily order by trading_date",
    )
    triggered = macro["sahm_indicator_pp"] >= 0.5
    first_days = macro.loc[triggered & ~triggered.shift(fill_value=False), "trading_date"]

    answer = run(sample_warehouse, "05_labour_market.sql")
    triggers = answer.loc[answer["row_kind"] == "trigger", "trading_date"]
    assert list(triggers) == list(first_days)
    assert answer.iloc[-1]["row_kind"] == "latest"
    assert answer.iloc[-1]["trading_date"] == macro["trading_date"].max()


def test_what_did_we_know_then_matches_pandas(sample_warehouse):
    macro = mart(
        sample_warehouse,
        "select trading_date, unrate_month_date, unrate_pct, sahm_indicator_pp"
        " from marts.fct_macro_daily where unrate_month_date is not null order by trading_date",
    )
    first = macro.groupby("unrate_month_date").first().sort_index(ascending=False).head(24)
    vintages = mart(
        sample_warehouse,
        "select date, realtime_start, value from raw.macro_observations"
        " where series_id = 'UNRATE' order by realtime_start",
    )
    revised = vintages.groupby("date")["value"].last()  # each month's latest vintage

    answer = run(sample_warehouse, "07_what_did_we_know_then.sql")
    assert list(answer["unemployment_month"]) == list(first.index)
    assert list(answer["known_on"]) == list(first["trading_date"])
    assert list(answer["unrate_then_pct"]) == list(first["unrate_pct"])
    assert list(answer["unrate_revised_pct"]) == list(revised[first.index])
    assert list(answer["sahm_then_pp"]) == list(first["sahm_indicator_pp"].round(2))


def test_relative_pe_is_the_latest_month(sample_warehouse):
    valuation = mart(sample_warehouse, "select * from marts.fct_valuation_monthly")
    latest = valuation.loc[valuation["month_start"].idxmax()]
    window = valuation[
        (valuation["month_start"] > latest["month_start"] - pd.DateOffset(months=300))
        & (valuation["month_start"] <= latest["month_start"])
    ]
    row = run(sample_warehouse, "03_relative_pe_vs_history.sql").iloc[0]
    assert row["month_start"] == latest["month_start"]
    assert row["discount_pct"] == pytest.approx(latest["discount_pct"], abs=0.05)
    assert row["window_lowest_discount_pct"] == pytest.approx(
        window["discount_pct"].min(), abs=0.05
    )


def test_relative_pe_is_the_latest_month_with_both_legs_and_its_25_calendar_years(
    warehouse_copy,
):
    # the small-cap P/E file ends 2 months before the large-cap one, and 24 months in the
    # window have no small-cap P/E: the answer is the last month with both, and its range
    # spans 25 calendar years (not window_months, which counts the months with a value)
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        months = con.sql(
            "select month_start from marts.fct_valuation_monthly order by month_start desc"
        ).df()["month_start"]
        gap = (months.iloc[100], months.iloc[77])  # 24 months, 7 to 9 years before the end
        con.execute(
            "update marts.fct_valuation_monthly set small_forward_pe = null,"
            " relative_forward_pe = null, discount_pct = null"
            " where month_start > ? or month_start between ? and ?",
            [months.iloc[2], *gap],
        )
    valuation = mart(warehouse, "select * from marts.fct_valuation_monthly")
    latest = months.iloc[2]
    window = valuation[
        (valuation["month_start"] > latest - pd.DateOffset(years=25))
        & (valuation["month_start"] <= latest)
    ]["discount_pct"].dropna()
    assert len(window) == 300 - 24
    row = run(warehouse, "03_relative_pe_vs_history.sql").iloc[0]
    assert row["month_start"] == latest
    assert not pd.isna(row["relative_forward_pe"])
    assert row["window_lowest_discount_pct"] == pytest.approx(window.min(), abs=0.05)
    assert row["window_median_discount_pct"] == pytest.approx(window.median(), abs=0.05)
    assert row["window_highest_discount_pct"] == pytest.approx(window.max(), abs=0.05)


def test_flows_are_the_latest_complete_day_beside_that_days_momentum(warehouse_copy):
    # ETF shares ending 30 trading days before prices: the last 21-day figures are empty
    warehouse = warehouse_copy
    with duckdb.connect(str(warehouse)) as con:
        days = con.sql(
            "select flow_date from marts.fct_etf_flows_segment_daily order by flow_date desc"
        ).df()["flow_date"]
        cutoff = days.iloc[30]
        con.execute(
            "update marts.fct_etf_flows_segment_daily set small_minus_large_flow_21d_pp = null"
            " where flow_date > ?",
            [cutoff],
        )
    momentum = mart(
        warehouse,
        "select rotation_date, spread_21d_bps from marts.fct_rotation_daily"
        " where pair_id = 'iwm_spy'",
    ).set_index("rotation_date")["spread_21d_bps"]
    row = run(warehouse, "04_flows_confirming.sql").iloc[0]
    assert row["flow_date"] == cutoff
    assert row["iwm_spy_latest_date"] == momentum.index.max() > cutoff
    assert row["iwm_spy_spread_21d_bps"] == round(momentum[cutoff])
    assert not pd.isna(row["flows_confirm_21d"])


def test_queries_answer_the_same_on_the_serving_layer(sample_warehouse):
    serving = sample_warehouse.parent / "serving.duckdb"
    for path in sorted(QUERIES.glob("*.sql")):
        pd.testing.assert_frame_equal(
            run(serving, path.name), run(sample_warehouse, path.name), check_dtype=False
        )


def test_query_runner_prints_each_question_and_answer(sample_warehouse, capsys):
    from dagster_project.query import main

    files = [QUERIES / "06_scorecard.sql", QUERIES / "03_relative_pe_vs_history.sql"]
    assert main(["--database", str(sample_warehouse), *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "06_scorecard.sql: The page an analyst opens first" in out
    assert "03_relative_pe_vs_history.sql: Where does relative P/E sit against 25 years?" in out
    assert "rut_spx" in out and "discount_percentile_frac" in out


def test_query_runner_says_when_nothing_is_published(tmp_path, capsys):
    from dagster_project.query import main

    missing = tmp_path / "serving.duckdb"
    assert main(["--database", str(missing), str(QUERIES / "06_scorecard.sql")]) == 1
    assert "run `make run` first" in capsys.readouterr().err


def test_has_the_scorecard_been_right_matches_pandas(sample_warehouse):
    rows = mart(sample_warehouse, "select * from marts.rpt_scorecard_backtest where period = 'all'")
    answer = run(sample_warehouse, "08_has_the_scorecard_been_right.sql")
    answer = answer.set_index(["signal_name", "horizon_days"])
    for (signal, horizon), group in rows.groupby(["signal_name", "horizon_days"]):
        sided = group[group["signal_value"] != 0]
        rate = sided["hit_count"].sum() / sided["day_count"].sum()
        momentum = rows[
            (rows["signal_name"] == "naive_momentum") & (rows["horizon_days"] == horizon)
        ]
        momentum_rate = momentum["hit_count"].sum() / momentum["day_count"].sum()
        row = answer.loc[(signal, horizon)]
        assert row["days"] == group["day_count"].sum()
        assert row["hit_rate_frac"] == pytest.approx(round(rate, 3), abs=1e-9)
        assert row["vs_momentum_pp"] == pytest.approx(
            round((rate - momentum_rate) * 100, 1), abs=0.1
        )
        means = sided.set_index("signal_value")["mean_fwd_spread_bps"]
        if {1, -1} <= set(means.index):
            assert row["edge_bps"] == pytest.approx(means[1] - means[-1], abs=1)
