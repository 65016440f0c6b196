"""The report's folder: every chart as ``<name>.png`` and the page, ``index.html``, which
embeds them as ``data:`` URIs (its template is ``templates/page.html.j2``)."""

import base64
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dagster_project.report.backtest import backtest_table
from dagster_project.report.data import ReportData
from dagster_project.report.rendering import Chart, charts
from dagster_project.report.tables import episode_table, headline, pairs_table, scorecard_table
from dagster_project.report.templating import fill


def page(data: ReportData, rendered: list[Chart], generated: datetime | None = None) -> str:
    """The report as one HTML document: inline style, charts as data URIs, no scripts."""
    as_of = data.as_of
    return str(
        fill(
            "page.html.j2",
            data=data,
            sides=data.pair_sides,
            as_of=f"{as_of:%d %B %Y}" if as_of else "no data",
            generated=generated or datetime.now(),
            charts={chart.name: chart for chart in rendered},
            uris={chart.name: _data_uri(chart.png) for chart in rendered},
            headline=headline(data),
            scorecard=scorecard_table(data.scorecard, data.sides),
            episodes=episode_table(data.episode_summary, data.pair_sides),
            pairs=pairs_table(data.pairs_latest, data.sides),
            backtest=backtest_table(
                data.backtest, data.backtest_ic, data.pair_sides, data.synthetic
            ),
        )
    )


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass
class Report:
    index: Path | None
    charts: list[Chart]
    seconds: float


def build(data: ReportData, folder: Path, html_page: bool = True) -> Report:
    """Write every chart as ``folder/<name>.png`` and, unless told not to, ``index.html``."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    rendered = charts(data)
    for chart in rendered:
        (folder / f"{chart.name}.png").write_bytes(chart.png)
    index = None
    if html_page:
        index = folder / "index.html"
        partial = folder / ".index.html.tmp"
        partial.write_text(page(data, rendered), encoding="utf-8")
        os.replace(partial, index)  # a reader never sees half a page
    return Report(index, rendered, time.perf_counter() - started)
