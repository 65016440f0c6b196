"""Runs a Great Expectations suite from ``expectations/`` against a pandas frame.

Suites are GX's own JSON (name, meta, expectations with type and kwargs) and hold no Python.
``meta.table`` names the warehouse table a suite guards. GX validates pandas frames read from
DuckDB: its SQL engine on DuckDB gives false failures (DEVELOPERS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pandas as pd

from dagster_project.reference import PROJECT_ROOT

SUITES_DIR = PROJECT_ROOT / "expectations"
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Outcome:
    """One expectation's verdict, in words a person reads in the Dagster UI."""

    expectation: str
    column: str | None
    success: bool
    observed_value: Any
    unexpected_count: int | None
    unexpected_sample: list[Any]
    unexpected_rows: list[dict[str, str]]  # offending rows: their key and the checked columns
    error: str | None = None

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        if self.error:
            return f"{self.expectation}{where} could not run: {self.error}"
        example = self.unexpected_rows or self.unexpected_sample
        detail = f"{self.unexpected_count} unexpected, e.g. {example}"
        if self.unexpected_count is None:
            detail = f"observed {self.observed_value}"
        return f"{self.expectation}{where}: {detail}"


@cache
def load_suite(name: str) -> dict[str, Any]:
    """The suite file ``expectations/<name>.json``."""
    path = SUITES_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite {path}")
    return json.loads(path.read_text())


def suite_names() -> list[str]:
    """Every suite in ``expectations/``."""
    return sorted(path.stem for path in SUITES_DIR.glob("*.json"))


def suite_table(name: str) -> str:
    return load_suite(name)["meta"]["table"]


def key_columns(spec: dict[str, Any]) -> list[str]:
    """The table's grain: the columns of the suite's uniqueness expectation, if it has one."""
    for expectation in spec["expectations"]:
        if expectation["type"] == "expect_compound_columns_to_be_unique":
            return list(expectation["kwargs"]["column_list"])
        if expectation["type"] == "expect_column_values_to_be_unique":  # a one-column grain
            return [expectation["kwargs"]["column"]]
    return []


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def expectation_suite(suite_name: str):
    """The suite file as a ``great_expectations.ExpectationSuite``."""
    import great_expectations as gx  # slow to import: only when a check runs
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    spec = load_suite(suite_name)
    return gx.ExpectationSuite(
        name=spec["name"],
        expectations=[ExpectationConfiguration(**e).to_domain_obj() for e in spec["expectations"]],
    )


def validate(frame: pd.DataFrame, suite_name: str, today: date | None = None) -> list[Outcome]:
    """Validate ``frame`` against the named suite; ``$PARAMETER: today`` is today's date."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    spec = load_suite(suite_name)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole_table")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = expectation_suite(suite_name)
    parameters = {"today": pd.Timestamp(today or date.today())}
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    key = [c for c in key_columns(spec) if c in frame.columns]
    if key:  # name the offending rows by their key
        result_format["unexpected_index_column_names"] = key
    results = batch.validate(suite, expectation_parameters=parameters, result_format=result_format)
    outcomes = []
    for r in results.results:
        error = r.exception_info.get("exception_message") if r.exception_info else None
        outcomes.append(
            Outcome(
                expectation=r.expectation_config.type,
                column=_column_of(r.expectation_config.kwargs),
                success=bool(r.success),
                observed_value=r.result.get("observed_value"),
                unexpected_count=r.result.get("unexpected_count"),
                unexpected_sample=[
                    str(v) for v in (r.result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
                ],
                unexpected_rows=[
                    {k: str(v) for k, v in row.items()}
                    if isinstance(row, dict)
                    else {"row": str(row)}
                    for row in (r.result.get("partial_unexpected_index_list") or [])[:SAMPLE_SIZE]
                ],
                error=error if error and not r.success else None,
            )
        )
    return outcomes


def audit_rows(outcomes: list[Outcome], suite_name: str, run_id: str | None) -> pd.DataFrame:
    """Outcomes as rows of ``audit.expectation_results``."""
    validated_at = pd.Timestamp.now(tz="UTC").tz_localize(None)
    return pd.DataFrame(
        {
            "run_id": run_id,
            "suite": suite_name,
            "table_name": suite_table(suite_name),
            "expectation": [o.expectation for o in outcomes],
            "column_name": [o.column for o in outcomes],
            "success": [o.success for o in outcomes],
            "observed_value": [
                None if o.observed_value is None else json.dumps(o.observed_value, default=str)
                for o in outcomes
            ],
            "unexpected_count": pd.array([o.unexpected_count for o in outcomes], dtype="Int64"),
            "unexpected_rows": [
                json.dumps(o.unexpected_rows) if o.unexpected_rows else None for o in outcomes
            ],
            "validated_at": validated_at,
        }
    )
