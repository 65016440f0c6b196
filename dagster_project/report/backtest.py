"""Has the scorecard been right? The page's backtest panel: each signal's, the composite's and
the baselines' record by value (rpt_scorecard_backtest), their information coefficients
(rpt_scorecard_ic), and the verdict on the composite against naive momentum, in words.

The verdict's rule, at one horizon over the whole history (period 'all'): the composite is
**better than momentum** only when both

- its hit rate on the days it took a side (+1 and -1 together: hits over those days, as query
  08 counts them) is higher than naive momentum's, and
- its information coefficient on the non-overlapping sample (``sample_ic`` of
  ``composite_score``) is higher than naive momentum's;

otherwise, a tie included, it is **no better than momentum**. The composite's own
t-statistic is stated beside it: ahead of momentum with ``|t|`` under 2 is within noise.
"""

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from dagster_project.report.data import SIZE, Sides
from dagster_project.report.frames import has
from dagster_project.report.templating import fill

HORIZON = 63  # the headline horizon, in common trading days: a quarter, naive momentum's lookback
EVIDENCE_T = 2.0  # a t-statistic under this (in absolute value) does not tell skill from noise
SUSPECT_IC = 0.10  # twice a useful equity signal's IC (rpt_scorecard_ic.yml): on synthetic data,
# where no skill is built in, an artefact of the simulation
# the table's signals in order: the composite, the scorecard's seven, the baselines
SIGNALS = {
    "composite": "Composite",
    "momentum": "Momentum",
    "valuation": "Valuation",
    "flows": "Fund flows",
    "rates": "Rates",
    "labour_market_risk": "Labour market",
    "inflation_risk": "Inflation",
    "breadth": "Breadth",
    "always_small": "Always {small} (baseline)",
    "naive_momentum": "Naive momentum (baseline)",
    "naive_reversal": "Naive reversal (baseline)",
}
IC_SIGNAL = {"composite": "composite_score"}  # rpt_scorecard_ic's name where it differs


@dataclass(frozen=True)
class Verdict:
    """The composite against naive momentum at one horizon, over the whole history."""

    horizon: int
    days: int  # days with a composite value (+1, 0 or -1) and a complete forward window
    side_days: int  # of those, the days it took a side
    hit_rate: float  # hits over side_days
    momentum_days: int  # days naive momentum took a side
    momentum_hit_rate: float
    ic: float  # composite_score's IC on the non-overlapping sample
    ic_t: float  # its t-statistic (NaN when the mart has none)
    samples: int  # the non-overlapping days it rests on
    momentum_ic: float

    @property
    def better(self) -> bool:
        """The rule (module docstring): a higher hit rate and a higher non-overlapping IC."""
        return self.hit_rate > self.momentum_hit_rate and self.ic > self.momentum_ic

    @property
    def within_noise(self) -> bool:
        """True when the composite's own IC does not tell skill from noise (|t| under 2)."""
        return bool(pd.isna(self.ic_t)) or abs(self.ic_t) < EVIDENCE_T

    @property
    def words(self) -> str:
        return "better than momentum" if self.better else "no better than momentum"


def verdict(backtest: pd.DataFrame, ic: pd.DataFrame, horizon: int = HORIZON) -> Verdict | None:
    """The composite against naive momentum at ``horizon``; None without the rows to judge."""
    if not has(backtest, "hit_count", "day_count") or not has(ic, "sample_ic"):
        return None
    rows = backtest[(backtest["period"] == "all") & (backtest["horizon_days"] == horizon)]
    composite, momentum = _record(rows, "composite"), _record(rows, "naive_momentum")
    ics = ic[(ic["period"] == "all") & (ic["horizon_days"] == horizon)]
    score, naive = _ic_row(ics, "composite_score"), _ic_row(ics, "naive_momentum")
    if composite is None or momentum is None or score is None or naive is None:
        return None
    if pd.isna(score["sample_ic"]) or pd.isna(naive["sample_ic"]):
        return None
    return Verdict(
        horizon=horizon,
        days=composite[0],
        side_days=composite[1],
        hit_rate=composite[2],
        momentum_days=momentum[1],
        momentum_hit_rate=momentum[2],
        ic=float(score["sample_ic"]),
        ic_t=float("nan") if pd.isna(t := score["sample_ic_t_stat"]) else float(t),
        samples=int(score["sample_count"]),
        momentum_ic=float(naive["sample_ic"]),
    )


def _record(rows: pd.DataFrame, signal: str) -> tuple[int, int, float] | None:
    """(days, days it took a side, hit rate on those) of a signal; None if it never took one."""
    own = rows[rows["signal_name"] == signal]
    sides = own[own["signal_value"] != 0]
    side_days = int(pd.to_numeric(sides["day_count"]).sum())
    if not side_days:
        return None
    hits = pd.to_numeric(sides["hit_count"], errors="coerce").sum()
    return int(pd.to_numeric(own["day_count"]).sum()), side_days, float(hits) / side_days


def _ic_row(ics: pd.DataFrame, signal: str) -> pd.Series | None:
    own = ics[ics["signal_name"] == signal]
    return own.iloc[0] if len(own) else None


def backtest_table(
    backtest: pd.DataFrame,
    ic: pd.DataFrame,
    sides: Sides = SIZE,
    synthetic: bool = False,
    horizon: int = HORIZON,
) -> Markup:
    """The verdict, the composite against naive momentum at every horizon, and each signal's
    record by value at ``horizon``; a "no data" line without the backtest's rows."""
    if not has(backtest, "day_count"):
        return Markup(
            '<p class="nodata" id="backtest">No data: the backtest has no rows for this pair'
            " (it scores the scorecard's pair only).</p>"
        )
    horizons = sorted(int(h) for h in backtest["horizon_days"].unique())
    ics = ic if has(ic, "ic") else None
    labour = None if ics is None else _ic_row(_all(ics, max(horizons)), "labour_market_risk")
    suspect = labour is not None and pd.notna(labour["ic"]) and abs(labour["ic"]) >= SUSPECT_IC
    return fill(
        "backtest.html.j2",
        horizon=horizon,
        headline=verdict(backtest, ic, horizon),
        verdicts=[(h, verdict(backtest, ic, h)) for h in horizons],
        groups=_groups(_all(backtest, horizon), None if ics is None else _all(ics, horizon), sides),
        sides=sides,
        evidence_t=EVIDENCE_T,
        synthetic=synthetic,
        labour=labour if synthetic and suspect else None,
    )


def _all(frame: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """The frame's rows over the whole history at ``horizon``."""
    return frame[(frame["period"] == "all") & (frame["horizon_days"] == horizon)]


def _groups(rows: pd.DataFrame, ics: pd.DataFrame | None, sides: Sides) -> list[tuple]:
    """(signal name, its words, its IC row or None, its rows from +1 to -1) in SIGNALS' order."""
    groups = []
    for name, label in SIGNALS.items():
        own = rows[rows["signal_name"] == name].sort_values("signal_value", ascending=False)
        if own.empty:
            continue
        ic_row = None if ics is None else _ic_row(ics, IC_SIGNAL.get(name, name))
        values = [row for _, row in own.iterrows()]
        groups.append((name, label.format(small=sides.small), ic_row, values))
    return groups
