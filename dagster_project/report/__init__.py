"""The rotation report: one self-contained HTML page and its PNG charts, from the marts.

``<warehouse dir>/report/index.html`` embeds every chart as a ``data:`` URI and styles itself
inline: it loads nothing else, so it opens offline, from a file or any static server, and can be
mailed as one file. The same charts are written beside it as ``<name>.png``.

The package, in the order the data flows:

- ``data``: ``load`` reads the frames (one mart each) into a ``ReportData``; each pair's legs
  in words (``Sides``); the marts the report reads (``MARTS``).
- ``style``: the house style every chart is drawn in; ``frames``: small reads of the frames.
- ``charts/``: one module per chart, frames in, a matplotlib ``Figure`` out; a frame without
  the rows a chart needs gives a "no data" panel, never an error. ``rendering`` draws them all
  into PNG bytes, with their provenance.
- ``tables``: the scorecard, episodes and pairs tables and the headline; ``backtest``: has the
  scorecard been right? (its tables, and the verdict on the composite against naive momentum,
  with its rule); ``page``: the page, and ``build``, which writes the folder. The HTML comes
  from ``templates/`` (``templating``).
- ``asset``: the Dagster asset; ``cli``: ``python -m dagster_project.report``. Both only call
  ``load`` and ``build``.

When the prices come from the ``sample`` source the page opens with a banner, and every PNG
carries a footnote, saying the figures are synthetic.
"""

from dagster_project.reference import PROJECT_ROOT
from dagster_project.report import cli
from dagster_project.report.asset import rotation_report
from dagster_project.report.backtest import HORIZON, Verdict, backtest_table, verdict
from dagster_project.report.charts import (
    flows_chart,
    macro_chart,
    relative_pe_chart,
    relative_strength_chart,
    scorecard_ic_chart,
    spread_episodes_chart,
    ytd_by_year_chart,
)
from dagster_project.report.cli import main
from dagster_project.report.data import MARTS, SIZE, ReportData, Sides, dbt_vars, load, pair_sides
from dagster_project.report.page import Report, build, page
from dagster_project.report.rendering import Chart, charts, render
from dagster_project.report.style import STYLE, no_data, styled
from dagster_project.report.tables import episode_table, headline, pairs_table, scorecard_table

__all__ = [
    "HORIZON",
    "MARTS",
    "PROJECT_ROOT",
    "SIZE",
    "STYLE",
    "Chart",
    "Report",
    "ReportData",
    "Sides",
    "Verdict",
    "backtest_table",
    "build",
    "charts",
    "cli",
    "dbt_vars",
    "episode_table",
    "flows_chart",
    "headline",
    "load",
    "macro_chart",
    "main",
    "no_data",
    "page",
    "pair_sides",
    "pairs_table",
    "relative_pe_chart",
    "relative_strength_chart",
    "render",
    "rotation_report",
    "scorecard_ic_chart",
    "scorecard_table",
    "spread_episodes_chart",
    "styled",
    "verdict",
    "ytd_by_year_chart",
]
