"""What a run of the asset job reported: its materializations and its raw checks' evaluations."""

from __future__ import annotations

from dagster import AssetCheckEvaluation, ExecuteInProcessResult


def materialized_keys(result: ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def raw_check(result: ExecuteInProcessResult, table: str) -> AssetCheckEvaluation:
    """The one evaluation of raw.<table>'s expectation suite in the run."""
    (check,) = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.check_name == f"expectations_raw_{table}"
    ]
    return check
