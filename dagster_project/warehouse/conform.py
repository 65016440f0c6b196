"""A load's rows held to their raw contract: the usable rows, and the rows to quarantine.

Rows the warehouse cannot use (a value that is not a number, a price that is zero or negative, a
required value missing) are set apart with the reason, for ``raw.quarantine``. Structural
problems fail the whole load: a missing column or a null key (here), two rows with the same key
and different values (``staging``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.warehouse.contracts import RawTable


def conform(table: RawTable, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into the contract's usable rows and the quarantined ones (``reason``)."""
    given = _given(table, frame)
    rows = given.copy()
    problems: list[tuple[str, np.ndarray]] = []  # (reason, rows it applies to), in order
    flagged = np.zeros(len(given), dtype=bool)
    for col, dtype in table.values.items():
        if dtype in ("DOUBLE", "BIGINT"):
            numeric = pd.to_numeric(given[col], errors="coerce").astype("float64")
            problems.append(
                (f"{col} is not a number", (given[col].notna() & numeric.isna()).to_numpy())
            )
            # infinite, or beyond BIGINT: DuckDB would refuse the whole load, naming no row
            limit = 2.0**63 if dtype == "BIGINT" else np.inf
            out_of_range = ~(numeric.abs() < limit) & numeric.notna()
            problems.append((f"{col} is out of range", out_of_range.to_numpy()))
            rows[col] = numeric.where(~out_of_range)
            flagged |= problems[-2][1] | problems[-1][1]
    for col in table.required:  # missing, unless already unusable for another reason
        problems.append((f"{col} is missing", rows[col].isna().to_numpy() & ~flagged))
        flagged |= problems[-1][1]
    for col in table.positive:
        problems.append((f"{col} <= 0", rows[col].le(0).to_numpy()))
        flagged |= problems[-1][1]
    bad = np.flatnonzero(flagged)
    reasons = [
        "; ".join(reason for reason, rows_hit in problems if rows_hit[i]) for i in bad.tolist()
    ]
    rejected = given.iloc[bad].assign(reason=reasons)
    # exact duplicates collapse and conflicting ones fail, in SQL (staging)
    return rows[~flagged], rejected


def _given(table: RawTable, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns of the contract, in its order; a missing key or required column, or
    a null key, fails the load."""
    absent = [c for c in (*table.key, *table.required) if c not in frame.columns]
    if absent:
        raise ValueError(f"{table.qualified}: frame lacks required column(s) {absent}")
    # optional value columns a provider does not deliver load as null
    given = frame.reindex(columns=list(table.columns)).reset_index(drop=True)
    key = list(table.key)
    null_keys = given[key].isna().any(axis=1)
    if null_keys.any():
        sample = given.loc[null_keys, key].head(3).to_dict("records")
        raise ValueError(
            f"{table.qualified}: {int(null_keys.sum())} row(s) with a null key: {sample}"
        )
    return given
