"""Runs a Great Expectations suite from ``expectations/`` against a pandas frame.

Suites are GX's own JSON (name, meta, expectations with type and kwargs) and hold no Python.
``meta.table`` names the warehouse table a suite guards. A mart's suite does not list the mart's
columns: its ``expect_table_columns_to_match_set`` is made from the mart's yml (the registry,
dagster_project.marts) when the suite is loaded, so a new column touches the SQL and the yml
only.

GX validates pandas frames read from DuckDB: GX 1.24's SQL engine fails expectations on DuckDB
that hold, because it fetches query results after returning the connection to the pool
(``SqlAlchemyExecutionEngine.execute_query``; a StaticPool without reset does not help).
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pandas as pd

from dagster_project import marts
from dagster_project.reference import PROJECT_ROOT

SUITES_DIR = PROJECT_ROOT / "expectations"
SAMPLE_SIZE = 5
CHUNK_ROWS = 1_000_000  # rows validated at once (see run_suite)


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
def suite_file(name: str) -> dict[str, Any]:
    """The suite file ``expectations/<name>.json`` as written."""
    path = SUITES_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite {path}")
    return json.loads(path.read_text())


@cache
def load_suite(name: str) -> dict[str, Any]:
    """The suite as validated: its file; a mart's suite begins with the column set of the
    mart's yml."""
    spec = suite_file(name)
    table = spec["meta"]["table"]
    if not _is_mart(table):
        return spec
    return {**spec, "expectations": [columns_expectation(marts.mart(table)), *spec["expectations"]]}


def _is_mart(table: str) -> bool:
    return table.startswith("marts.")


def columns_expectation(mart: marts.Mart) -> dict[str, Any]:
    """The mart has exactly the columns its yml lists, in any order."""
    return {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": list(mart.columns), "exact_match": True},
        "meta": {"why": f"the mart's columns ({mart.name}.yml)"},
    }


def suite_names() -> list[str]:
    """Every suite in ``expectations/``."""
    return sorted(path.stem for path in SUITES_DIR.glob("*.json"))


def suite_table(name: str) -> str:
    """The table the suite guards (read off its file: the dbt manifest is not needed)."""
    return suite_file(name)["meta"]["table"]


def key_columns(spec: dict[str, Any]) -> list[str]:
    """The table's grain: a mart's keys in its yml; for a raw table, the columns of the suite's
    uniqueness expectation, if it has one."""
    if _is_mart(spec["meta"]["table"]):
        return list(marts.mart(spec["meta"]["table"]).keys)
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


# Expectations about single rows, the table's columns, or its key: validating a table in chunks
# that split it by the key's first column gives the same verdicts as validating it whole.
ROW_WISE = {
    "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_of_type",
    "expect_column_values_to_not_be_null",
    "expect_compound_columns_to_be_unique",
    "expect_table_columns_to_match_set",
}
COUNTS = ("element_count", "missing_count", "unexpected_count")
SAMPLES = ("partial_unexpected_list", "partial_unexpected_index_list")


def row_wise(suite_name: str) -> bool:
    """Whether the suite may validate a table in chunks split by its key (see ``ROW_WISE``)."""
    return all(e["type"] in ROW_WISE for e in load_suite(suite_name)["expectations"])


def _as_nanoseconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns in nanoseconds: GX compares only datetime64[ns] columns vectorized
    (DuckDB gives microseconds), row by row otherwise: many times slower (docs/benchmarks.md)."""
    columns = {
        c: "datetime64[ns]"
        for c, dtype in frame.dtypes.items()
        if pd.api.types.is_datetime64_dtype(dtype) and dtype != "datetime64[ns]"
    }
    return frame.astype(columns) if columns else frame


def _validate_frame(frame: pd.DataFrame, suite_name: str, today: date | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every frame under this size (md5 of pandas' hash of every row, kept only
    # as a marker in the result's meta): a quarter of the time of validating a million prices
    pandas_execution_engine.HASH_THRESHOLD = 0
    spec = load_suite(suite_name)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole_table")
        .get_batch(batch_parameters={"dataframe": _as_nanoseconds(frame)})
    )
    parameters = {"today": pd.Timestamp(today or date.today())}
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    key = [c for c in key_columns(spec) if c in frame.columns]
    if key:  # name the offending rows by their key
        result_format["unexpected_index_column_names"] = key
    suite = expectation_suite(suite_name)
    return batch.validate(suite, expectation_parameters=parameters, result_format=result_format)


def _merge_expectation(parts: list):
    """One expectation's results on every chunk, as GX would give them on the whole table."""
    failed = [r for r in parts if not r.success]
    merged = deepcopy(failed[0] if failed else parts[0])
    merged.success = not failed
    if "element_count" not in merged.result:  # about the columns: the same on every chunk
        return merged
    for name in COUNTS:
        merged.result[name] = sum(r.result.get(name) or 0 for r in parts)
    total, missing, unexpected = (merged.result[name] for name in COUNTS)
    present = total - missing
    percents = {
        "missing_percent": 100 * missing / total if total else None,
        "unexpected_percent": 100 * unexpected / present if present else None,
        "unexpected_percent_total": 100 * unexpected / total if total else None,
        "unexpected_percent_nonmissing": 100 * unexpected / present if present else None,
    }
    merged.result.update({k: v for k, v in percents.items() if k in merged.result})
    for name in SAMPLES:
        if name in merged.result:
            samples = [item for r in failed for item in r.result.get(name) or []]
            merged.result[name] = samples[:SAMPLE_SIZE]
    if "partial_unexpected_counts" in merged.result:
        merged.result["partial_unexpected_counts"] = _most_common(failed)
    return merged


def _most_common(failed: list) -> list[dict]:
    """The chunks' counts of unexpected values summed per value, most common first, as GX
    orders them (count descending, then value). Exact when each chunk has at most SAMPLE_SIZE
    distinct unexpected values (GX reports a chunk's most common ones only)."""
    counts = Counter()
    for r in failed:
        for item in r.result.get("partial_unexpected_counts") or []:
            if "value" in item:  # GX puts an error entry for unhashable values
                counts[item["value"]] += item["count"]
    try:
        ordered = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    except TypeError:  # values of different types
        ordered = counts.most_common()
    return [{"value": v, "count": c} for v, c in ordered[:SAMPLE_SIZE]]


def _merge(chunks: list):
    """Suite results on chunks of one table, merged into one result for the whole table."""

    def same(r):  # GX does not promise the same order of results on every chunk
        config = r.expectation_config
        return config.type, json.dumps(config.kwargs, sort_keys=True, default=str)

    merged = chunks[0]  # the chunks are run_suite's own: the first becomes the merged result
    by_expectation = {same(r): [r] for r in merged.results}
    for chunk in chunks[1:]:
        for r in chunk.results:
            by_expectation[same(r)].append(r)
    merged.results = [_merge_expectation(parts) for parts in by_expectation.values()]
    merged.success = all(r.success for r in merged.results)
    passed = sum(r.success for r in merged.results)
    evaluated = len(merged.results)
    merged.statistics.update(
        evaluated_expectations=evaluated,
        successful_expectations=passed,
        unsuccessful_expectations=evaluated - passed,
        success_percent=100 * passed / evaluated if evaluated else None,
    )
    return merged


def run_suite(frames: Iterable[pd.DataFrame], suite_name: str, today: date | None = None):
    """GX's validation result (``ExpectationSuiteValidationResult``) of the named suite on the
    rows of ``frames`` taken together; ``$PARAMETER: today`` is today's date.

    Several frames are chunks of one table, split by its key's first column, so that a table of
    millions of rows never sits in memory at once (only for ``row_wise`` suites): GX's pandas
    validation holds several times the frame's own size. ``meta["rows_validated"]`` counts
    the rows.
    """
    chunks, rows = [], 0
    # GX leaves reference cycles holding the frame: a big one is freed by a collection before
    # the next chunk. Frozen, the objects made before (half a million in Dagster's process) are
    # not scanned again by each collection (docs/benchmarks.md).
    gc.freeze()
    try:
        for frame in frames:
            if chunks and not row_wise(suite_name):
                raise ValueError(f"suite {suite_name} has expectations that cannot run on chunks")
            chunks.append(_validate_frame(frame, suite_name, today))
            rows += len(frame)
            if len(frame) >= CHUNK_ROWS // 10:
                del frame
                gc.collect()
    finally:
        gc.unfreeze()
    result = chunks[0] if len(chunks) == 1 else _merge(chunks)
    result.meta["rows_validated"] = rows
    return result


def merge_results(results: list):
    """Results of one row-wise suite on separate sets of rows (the loads of a run), merged as
    one, ``meta["rows_validated"]`` summed."""
    rows = sum(r.meta["rows_validated"] for r in results)
    merged = results[0] if len(results) == 1 else _merge(results)
    merged.meta["rows_validated"] = rows
    return merged


def outcomes(result) -> list[Outcome]:
    """A GX suite validation result as one ``Outcome`` per expectation."""
    found = []
    for r in result.results:
        error = r.exception_info.get("exception_message") if r.exception_info else None
        found.append(
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
    return found


def validate(frame: pd.DataFrame, suite_name: str, today: date | None = None) -> list[Outcome]:
    """Validate ``frame`` against the named suite; ``$PARAMETER: today`` is today's date."""
    return outcomes(run_suite([frame], suite_name, today))


def result_json(result) -> str:
    """A suite validation result as JSON (what ``audit.validation_results`` stores)."""
    return json.dumps(result.to_json_dict(), default=str)


def result_from_json(text: str):
    """The ``ExpectationSuiteValidationResult`` stored by ``result_json``."""
    from great_expectations.core.expectation_validation_result import (
        expectationSuiteValidationResultSchema,
    )

    return expectationSuiteValidationResultSchema.load(json.loads(text))


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
