"""Relative P/E (small / large) each month, with the percentile band of its lookback."""

import pandas as pd
from matplotlib.figure import Figure

from dagster_project.report.data import ReportData, dbt_vars
from dagster_project.report.frames import has, numeric
from dagster_project.report.style import (
    INK,
    NEUTRAL,
    REVERTED,
    SMALL,
    date_axis,
    figure,
    no_data,
    styled,
)
from dagster_project.report.words import ordinal

NAME = "relative_pe"
TITLE = "Relative P/E and its percentile band"


def caption(data: ReportData) -> str:
    return (
        "Small-cap forward P/E divided by large-cap forward P/E at each month's last "
        "observation (trailing P/E in grey). The band holds the middle 80% (10th to 90th "
        f"percentile) of the last {dbt_vars()['valuation_lookback_years']} years' months."
    )


def draw(data: ReportData) -> Figure:
    return relative_pe_chart(data.valuation)


@styled
def relative_pe_chart(
    valuation: pd.DataFrame,
    lookback_years: int | None = None,  # the marts' valuation_lookback_years by default
    band: tuple[float, float] = (0.10, 0.90),
) -> Figure:
    """Relative P/E (small / large) each month with the 10th-90th percentile of the lookback."""
    title = "Relative P/E: small caps / large caps"
    metric = next(
        (c for c in ("relative_forward_pe", "relative_trailing_pe") if has(valuation, c)), None
    )
    if metric is None:
        return no_data(title, _missing_pe(valuation))
    if lookback_years is None:
        lookback_years = dbt_vars()["valuation_lookback_years"]
    rows = numeric(valuation, "relative_forward_pe", "relative_trailing_pe")
    rows = rows.dropna(subset=[metric]).sort_values("month_start")
    kind = "forward" if metric == "relative_forward_pe" else "trailing"
    last = rows.iloc[-1]
    window = rows[rows["month_start"] > last["month_start"] - pd.DateOffset(years=lookback_years)]
    fig, (ax,) = figure(height=4.8)
    _band(ax, window, metric, lookback_years, band, x1=last["month_start"])
    _lines(ax, rows, metric, kind)
    _latest(ax, last, window, metric, kind)
    ax.set_title(f"{title}, monthly (below 1 = small caps cheaper)")
    ax.set_ylabel(f"small / large {kind} P/E, x")
    right = ax.secondary_yaxis("right", functions=(lambda v: (v - 1) * 100, lambda v: v / 100 + 1))
    right.set_ylabel("small-cap premium (+) / discount (-), %")
    fig.legend(loc="outside lower center", ncols=4)
    ax.margins(x=0.01)
    date_axis(ax)
    return fig.get_figure(root=True)


def _missing_pe(valuation: pd.DataFrame) -> str:
    """Why there is no relative P/E: which index has no P/E (only the indexes' are read)."""
    legs = [("small", "small-cap"), ("large", "large-cap")]
    missing = []
    for leg, label in legs:
        symbols = valuation.get(f"{leg}_symbol", pd.Series(dtype=str)).dropna()
        known = [c for c in (f"{leg}_forward_pe", f"{leg}_trailing_pe") if has(valuation, c)]
        if not known:
            missing.append(f"{label} index{f' {symbols.iloc[0]}' if len(symbols) else ''}")
    if not missing:  # both legs have P/Es, never in the same month
        return "the small- and large-cap indexes' P/Es never cover the same month"
    return (
        f"no P/E loaded for the {' nor the '.join(missing)}"
        " (the indexes' P/Es are read, not their ETFs')"
    )


def _band(ax, window: pd.DataFrame, metric: str, years: int, band: tuple, x1) -> None:
    """The lookback's percentile band and median, across the lookback's months."""
    low, mid, high = window[metric].quantile([band[0], 0.5, band[1]])
    x0 = window["month_start"].min()
    ax.fill_between(
        [x0, x1],
        low,
        high,
        color=SMALL,
        alpha=0.12,
        linewidth=0,
        label=f"{ordinal(band[0])}-{ordinal(band[1])} percentile, last {years} years",
    )
    ax.plot(
        [x0, x1],
        [mid, mid],
        color=SMALL,
        linewidth=0.9,
        linestyle="--",
        label=f"median, last {years} years",
    )


def _lines(ax, rows: pd.DataFrame, metric: str, kind: str) -> None:
    """The relative P/E drawn; the trailing one too, in grey, when the forward is drawn."""
    ax.plot(
        rows["month_start"], rows[metric], color=INK, linewidth=1.3, label=f"relative {kind} P/E"
    )
    if kind == "forward" and rows["relative_trailing_pe"].notna().any():
        ax.plot(
            rows["month_start"],
            rows["relative_trailing_pe"],
            color=NEUTRAL,
            linewidth=0.9,
            label="relative trailing P/E",
        )
    ax.axhline(1.0, color="#999999", linewidth=0.6)


def _latest(ax, last: pd.Series, window: pd.DataFrame, metric: str, kind: str) -> None:
    """The latest month marked, with its value and its percentile in the window."""
    # the mart's percentile of this month in its window (the band is drawn from the same window)
    mart_percentile = (
        "discount_percentile_frac" if kind == "forward" else "trailing_discount_percentile_frac"
    )
    percentile = last.get(mart_percentile)
    if percentile is None or pd.isna(percentile):
        percentile = (window[metric] <= last[metric]).mean()
    x1 = last["month_start"]
    ax.scatter([x1], [last[metric]], color=REVERTED, zorder=4, s=30)
    ax.annotate(
        f"{x1:%b %Y}: {last[metric]:.2f}x ({(last[metric] - 1) * 100:+.0f}%),\n"
        f"{ordinal(percentile)} percentile of {len(window)} months",
        (x1, last[metric]),
        xytext=(-14, 40),
        textcoords="offset points",
        ha="right",
        va="bottom",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#cccccc"},
        fontsize=9,
        arrowprops={"arrowstyle": "-", "color": "#777777"},
    )
