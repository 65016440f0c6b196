"""The report's data: the frames it shows, read from the marts, and each pair's legs in words.

``load`` is the only code of the report that reads the warehouse; every chart and table takes
the frames it returns. The dbt vars the marts were built with are read when first needed.
"""

import functools
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd
import yaml

from dagster_project.report.words import words
from dagster_project.resources import DBT_PROJECT_DIR
from dagster_project.summary import stale_warnings

# the marts the report reads (the asset depends on them)
MARTS = [
    "fct_rotation_daily",
    "fct_rotation_episodes",
    "rpt_rotation_episode_summary",
    "fct_valuation_monthly",
    "fct_etf_flows_segment_daily",
    "fct_macro_daily",
    "rpt_rotation_scorecard",
    "rpt_scorecard_backtest",
    "rpt_scorecard_ic",
    "rpt_scorecard_ic_rolling",
]


@functools.cache
def dbt_vars() -> dict:
    """The thresholds and windows the marts were built with (dbt_project.yml's vars), to draw
    and explain them; read once, on first use."""
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


@dataclass(frozen=True)
class Sides:
    """How a pair names its two legs (the pairs seed's small_label, large_label and their
    adjectives): small caps against large caps, or for rsp_spy equal weight against cap weight.
    The marts' codes ('small', 'small_cap_leadership') name the numerator leg whatever it is."""

    small: str = "small caps"
    large: str = "large caps"
    small_adjective: str = "small-cap"
    large_adjective: str = "large-cap"

    def regime(self, value: object) -> str:
        """A regime of fct_rotation_daily in the pair's words ('equal-weight leadership')."""
        adjective = {
            "small_cap_leadership": self.small_adjective,
            "large_cap_leadership": self.large_adjective,
        }.get(value)
        return f"{adjective} leadership" if adjective else words(value)

    def side(self, side: object) -> str:
        """An episode side ('small' or 'large') in the pair's words."""
        return self.small if side == "small" else self.large


SIZE = Sides()  # the size pairs' names, and any pair the seed does not describe


def pair_sides(con: duckdb.DuckDBPyConnection) -> dict[str, Sides]:
    """Each pair's Sides, from the pairs seed."""
    rows = con.execute(
        "select pair_id, small_label, large_label, small_adjective, large_adjective"
        " from reference.pairs"
    ).fetchall()
    return {pair_id: Sides(*labels) for pair_id, *labels in rows}


@dataclass
class ReportData:
    """Everything the report shows, read from the marts (frames may be empty)."""

    pair_id: str
    pair_description: str
    small_name: str
    large_name: str
    sources: list[str]
    rotation: pd.DataFrame  # fct_rotation_daily of the headline pair
    episodes: pd.DataFrame  # fct_rotation_episodes of the headline pair
    episode_summary: pd.DataFrame  # rpt_rotation_episode_summary of the headline pair
    valuation: pd.DataFrame  # fct_valuation_monthly
    flows: pd.DataFrame  # fct_etf_flows_segment_daily
    macro: pd.DataFrame  # fct_macro_daily
    scorecard: pd.DataFrame  # rpt_rotation_scorecard, latest row first
    backtest: pd.DataFrame  # rpt_scorecard_backtest of the headline pair
    backtest_ic: pd.DataFrame  # rpt_scorecard_ic of the headline pair
    ic_rolling: pd.DataFrame  # rpt_scorecard_ic_rolling of the headline pair, by as_of_date
    pairs_latest: pd.DataFrame = field(default_factory=pd.DataFrame)  # every pair's latest row
    stale: list[str] = field(default_factory=list)  # instruments whose prices end early
    sides: dict[str, Sides] = field(default_factory=dict)  # each pair's legs in words

    @property
    def pair_sides(self) -> Sides:
        """The headline pair's legs in words."""
        return self.sides.get(self.pair_id, SIZE)

    @property
    def synthetic(self) -> bool:
        """True when any price comes from the sample source (a simulated market)."""
        return "sample" in self.sources

    @property
    def as_of(self) -> date | None:
        dates = self.rotation.get("rotation_date", pd.Series(dtype="datetime64[ns]")).dropna()
        return dates.max().date() if len(dates) else None

    @property
    def pair_label(self) -> str:
        return f"{self.small_name} vs {self.large_name}"


def load(con: duckdb.DuckDBPyConnection, pair_id: str | None = None) -> ReportData:
    """Read the report's frames from the warehouse's marts (the scorecard's pair by default)."""

    def df(sql: str, *params: object) -> pd.DataFrame:
        return con.execute(sql, list(params)).df()

    scorecard = df(
        "select * from marts.rpt_rotation_scorecard order by scorecard_date desc limit 1"
    )
    pair_id = pair_id or (
        scorecard["pair_id"].iloc[0] if len(scorecard) else dbt_vars()["scorecard_pair"]
    )
    pair = df(
        "select p.description, s.name as small_name, l.name as large_name from reference.pairs p"
        " left join reference.instruments s on s.symbol = p.small_symbol"
        " left join reference.instruments l on l.symbol = p.large_symbol where p.pair_id = ?",
        pair_id,
    )
    described = len(pair) > 0

    def of_pair(mart: str, order: str) -> pd.DataFrame:
        return df(f"select * from marts.{mart} where pair_id = ? order by {order}", pair_id)

    return ReportData(
        pair_id=pair_id,
        pair_description=pair["description"].iloc[0] if described else pair_id,
        small_name=_short(pair["small_name"].iloc[0]) if described else "small caps",
        large_name=_short(pair["large_name"].iloc[0]) if described else "large caps",
        sources=[s for (s,) in con.execute("select distinct source from raw.prices").fetchall()],
        rotation=df(
            "select * from marts.fct_rotation_daily where pair_id = ? order by rotation_date",
            pair_id,
        ),
        episodes=df(
            "select * from marts.fct_rotation_episodes where pair_id = ? order by start_date",
            pair_id,
        ),
        episode_summary=df(
            "select * from marts.rpt_rotation_episode_summary where pair_id = ?"
            " order by side desc, horizon_days",
            pair_id,
        ),
        valuation=df("select * from marts.fct_valuation_monthly order by month_start"),
        flows=df("select * from marts.fct_etf_flows_segment_daily order by flow_date"),
        macro=df("select * from marts.fct_macro_daily order by trading_date"),
        scorecard=scorecard,
        backtest=of_pair(
            "rpt_scorecard_backtest", "signal_name, horizon_days, period, signal_value desc"
        ),
        backtest_ic=of_pair("rpt_scorecard_ic", "signal_name, horizon_days, period"),
        ic_rolling=of_pair("rpt_scorecard_ic_rolling", "signal_name, horizon_days, as_of_date"),
        pairs_latest=df(
            "select r.*, p.description from marts.fct_rotation_daily r"
            " left join reference.pairs p using (pair_id)"
            " qualify row_number() over (partition by r.pair_id order by r.rotation_date desc) = 1"
            " order by r.pair_id"
        ),
        stale=stale_warnings(con),
        sides=pair_sides(con),
    )


def _short(name: str | None) -> str:
    """'Russell 2000 Index' -> 'Russell 2000'; ETF names stay as they are."""
    if not isinstance(name, str) or not name:
        return "?"
    return name.removesuffix(" Index")
