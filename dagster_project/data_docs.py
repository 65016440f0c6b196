"""Great Expectations Data Docs of every suite, built into a folder that reads offline.

GX renders the pages; its templates load Bootstrap, jQuery, Vega and fonts from CDNs, which an
offline laptop cannot reach. The pages are rewritten after the build: every external stylesheet,
script and image is removed and a small stylesheet is inlined, so each page is self-contained
(GX's own local styles under ``static/`` stay).
"""

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from dagster_project import quality, warehouse
from dagster_project.resources import RotationSettings

EXTERNAL = re.compile(
    r"<link[^>]+href=\"https?://[^>]*>"
    r"|<script[^>]+src=\"https?://[^>]*>\s*</script>"
    r"|<img[^>]+src=\"https?://[^>]*>",
    re.IGNORECASE,
)
INLINE_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
.container-fluid, .row { display: flex; flex-wrap: wrap; gap: 1rem; }
.col-12, .col-md-10, .col-md-2, .col-md-9, .col-md-3 { flex: 1 1 auto; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: 0.75rem; margin-bottom: 1rem; }
.text-danger, .badge-danger { color: #b00020; }
.text-success, .badge-success { color: #1b7f3a; }
.nav, ul.list-group { list-style: none; padding-left: 0; }
.d-none, .modal { display: none; }
</style>"""


def offline(html: str) -> str:
    """The page without external stylesheets, scripts or images, with an inline stylesheet."""
    return EXTERNAL.sub("", html).replace("</head>", f"{INLINE_STYLE}</head>", 1)


def build(frames: dict[str, pd.DataFrame], folder: Path, today: date | None = None) -> Path:
    """Validate each frame against its suite and write the Data Docs site into ``folder``."""
    import great_expectations as gx  # slow to import: only when docs are built
    from great_expectations.data_context.types.base import ProgressBarsConfig

    parameters = {"today": pd.Timestamp(today or date.today())}
    with tempfile.TemporaryDirectory() as project:
        context = gx.get_context(mode="file", project_root_dir=project)
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = context.data_sources.add_pandas("warehouse")
        for name, frame in frames.items():
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("table")
            suite = context.suites.add(quality.expectation_suite(name))
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            validation.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
        context.build_data_docs()
        site = Path(project) / "gx" / "uncommitted" / "data_docs" / "local_site"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(site, folder)
    for page in folder.rglob("*.html"):
        page.write_text(offline(page.read_text()))
    return folder / "index.html"


def _rows_checked(con, table: str) -> pd.DataFrame:
    """What the table's check validates: a mart whole; of a raw table, the rows loaded by the
    latest run that loaded it (its check validated those; older rows were checked when loaded)."""
    schema, name = table.split(".")
    if schema != "raw":
        return con.sql(f"select * from {table}").df()
    latest = con.execute(
        "select run_id from raw.load_log where table_name = ? and run_id is not null"
        " order by started_at desc limit 1",
        [table],
    ).fetchall()
    if not latest:
        return con.sql(f"select * from {table} limit 0").df()
    return warehouse.rows_loaded_in_run(con, name, latest[0][0])[0]


@asset(
    key=["quality", "data_docs"],
    group_name="quality",
    deps=[quality.suite_table(name).split(".") for name in quality.suite_names()],
    description="Great Expectations Data Docs of every suite, readable offline: each mart whole,"
    " each raw table's rows of its latest load (what its check validated).",
)
def data_docs(
    context: AssetExecutionContext, settings: RotationSettings, duckdb: DuckDBResource
) -> MaterializeResult:
    with duckdb.get_connection() as con:
        frames = {
            name: _rows_checked(con, quality.suite_table(name)) for name in quality.suite_names()
        }
    folder = Path(settings.warehouse_path).parent / "data_docs"
    index = build(frames, folder)
    context.log.info(f"Data Docs: {index}")
    return MaterializeResult(
        metadata={"index": MetadataValue.path(str(index)), "suites": len(frames)}
    )
