"""Great Expectations Data Docs of every suite, built into a folder that reads offline.

GX renders the pages; its templates load Bootstrap, jQuery, Vega and fonts from CDNs, which an
offline laptop cannot reach. The pages are rewritten after the build: every external stylesheet,
script and image is removed and a small stylesheet is inlined, so each page is self-contained
(GX's own local styles under ``static/`` stay).
"""

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from dagster_project import checks, quality, warehouse
from dagster_project.resources import WarehouseResource

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


def build(results: dict[str, Any], folder: Path) -> Path:
    """Write the Data Docs site of each suite and its validation result into ``folder``.

    ``results`` maps suite names to GX ``ExpectationSuiteValidationResult``s (None: the suite's
    page without a validation)."""
    import great_expectations as gx  # slow to import: only when docs are built
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    with tempfile.TemporaryDirectory() as project:
        context = gx.get_context(mode="file", project_root_dir=project)
        for name, result in results.items():
            context.suites.add(quality.expectation_suite(name))
            if result is None:
                continue
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
                run_id=RunIdentifier(run_name=name),
                batch_identifier=result.batch_id or name,
            )
            context.validation_results_store.store_validation_results(result, key)
        context.build_data_docs()
        site = Path(project) / "gx" / "uncommitted" / "data_docs" / "local_site"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(site, folder)
    for page in folder.rglob("*.html"):
        page.write_text(offline(page.read_text()))
    return folder / "index.html"


def _result(con, suite_name: str, run_id: str | None):
    """What the suite's check validated: a raw table's rows loaded by its latest loading run
    (the result that check saved: older rows were checked when loaded); a mart whole (the result
    its check saved in this run, or a validation now if that check has not run yet)."""
    saved = warehouse.latest_validation(con, suite_name)
    raw = quality.suite_table(suite_name).startswith("raw.")
    if saved and (raw or saved[0] == run_id):
        return quality.result_from_json(saved[1])
    return None if raw else checks.whole_table_result(con, suite_name)


@asset(
    key=["quality", "data_docs"],
    group_name="quality",
    deps=[quality.suite_table(name).split(".") for name in quality.suite_names()],
    description="Great Expectations Data Docs of every suite, readable offline: what each check"
    " validated (each mart whole, each raw table's rows of its latest load).",
)
def data_docs(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.get_connection() as con:
        results = {name: _result(con, name, context.run.run_id) for name in quality.suite_names()}
    folder = Path(warehouse.database).parent / "data_docs"
    index = build(results, folder)
    context.log.info(f"Data Docs: {index}")
    return MaterializeResult(
        metadata={"index": MetadataValue.path(str(index)), "suites": len(results)}
    )
