"""The page's tables and its headline, as HTML from their templates (``templates/``).

Each function reads one or two of the report's frames and hands the template what it shows;
the words and the markup are in the template. A frame without rows gives a "no data" line.
"""

import pandas as pd
from markupsafe import Markup

from dagster_project.report.data import SIZE, ReportData, Sides, dbt_vars
from dagster_project.report.frames import has
from dagster_project.report.templating import fill


def scorecard_table(scorecard: pd.DataFrame, sides: dict[str, Sides] | None = None) -> Markup:
    """The latest scorecard row as a table: each signal, its evidence and its rule."""
    if scorecard.empty:
        return Markup('<p class="nodata" id="scorecard">No data: the scorecard mart is empty.</p>')
    row = scorecard.iloc[0]
    pair = (sides or {}).get(row["pair_id"], SIZE)
    return fill("scorecard.html.j2", row=row, pair=pair, vars=dbt_vars())


def episode_table(summary: pd.DataFrame, sides: Sides = SIZE) -> Markup:
    """Hit rates and median forward spreads of the pair's episodes, per side and horizon; each
    side named as the mart names it (side_label: 'small caps', 'equal weight')."""
    widest = None
    if not summary.empty:  # the longest horizon's side with the most completed episodes
        longest = summary[summary["horizon_days"] == summary["horizon_days"].max()]
        widest = longest.loc[longest["completed_episode_count"].idxmax()]
    rows = [(row, _side_label(row, sides)) for _, row in summary.iterrows()]
    return fill("episodes.html.j2", rows=rows, widest=widest, sides=sides)


def _side_label(row: pd.Series, sides: Sides) -> str:
    """An episode summary row's side in words: the mart's side_label (from the pairs seed)."""
    label = row.get("side_label")
    return sides.side(row["side"]) if label is None or pd.isna(label) else str(label)


def pairs_table(latest: pd.DataFrame, sides: dict[str, Sides] | None = None) -> Markup:
    """The latest figures of every pair, each regime in its pair's words."""
    rows = [(row, (sides or {}).get(row["pair_id"], SIZE)) for _, row in latest.iterrows()]
    return fill("pairs.html.j2", rows=rows)


def headline(data: ReportData) -> Markup:
    """The latest figures of the headline pair, in plain words."""
    rotation = data.rotation
    if not has(rotation, "spread_10d_bps"):
        return fill("headline.html.j2", last=None)
    last = rotation.sort_values("rotation_date").iloc[-1]
    history = pd.to_numeric(rotation["spread_10d_bps"], errors="coerce").dropna()
    spread = last["spread_10d_bps"]
    valuation, scorecard = data.valuation, data.scorecard
    pe = None
    if has(valuation, "relative_forward_pe"):
        pe = valuation.dropna(subset=["relative_forward_pe"]).sort_values("month_start").iloc[-1]
    latest_score = None if scorecard.empty else scorecard.iloc[0]
    return fill(
        "headline.html.j2",
        last=last,
        small=data.small_name,
        large=data.large_name,
        percentile=None if pd.isna(spread) else (history <= spread).mean(),
        since=rotation["rotation_date"].min(),
        sides=data.pair_sides,
        pe=pe,
        scorecard=latest_score,
        signals=sum(column.endswith("_signal") for column in scorecard.columns),
    )
