"""How marts_vs_peers.py compares ours with the peers (every mart, row and column) and prints
each part's tables."""

from __future__ import annotations

import pickle
import statistics
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

MARTS = ("fct_rotation_daily", "fct_breadth_daily", "fct_concentration_daily")
KEYS = {
    "fct_rotation_daily": ["pair_id", "rotation_date"],
    "fct_breadth_daily": ["fund", "breadth_date"],
    "fct_concentration_daily": ["fund", "concentration_date"],
}
TOLERANCE = 1e-9


def _normalize(frame: pd.DataFrame, mart: str) -> pd.DataFrame:
    frame = frame.copy()
    date_key = KEYS[mart][1]
    frame[date_key] = pd.to_datetime(frame[date_key]).astype("datetime64[ns]")
    frame[KEYS[mart][0]] = frame[KEYS[mart][0]].astype(str)
    return frame.sort_values(KEYS[mart], ignore_index=True)


def _column_mismatch(a: pd.Series, b: pd.Series, column: str) -> tuple[float, str | None]:
    """The largest absolute difference of a numeric column (0 for text), and how the column
    differs (None if it agrees: null positions equal, numbers within TOLERANCE, text equal)."""
    if pd.api.types.is_numeric_dtype(a) or pd.api.types.is_bool_dtype(a):
        a = pd.to_numeric(a, errors="coerce").astype(float).to_numpy()
        b = pd.to_numeric(b, errors="coerce").astype(float).to_numpy()
        nulls = np.isnan(a) != np.isnan(b)
        both = ~np.isnan(a) & ~np.isnan(b)
        diff = float(np.max(np.abs(a[both] - b[both]), initial=0.0))
        if nulls.any() or diff > TOLERANCE:
            return diff, f"{column} (nulls {int(nulls.sum())}, max diff {diff:.3g})"
        return diff, None
    differs = (a.fillna("<null>").astype(str) != b.fillna("<null>").astype(str)).sum()
    return 0.0, f"{column} ({int(differs)} differ)" if differs else None


def compare(ours: pd.DataFrame, other: pd.DataFrame, mart: str) -> dict:
    """Rows and every column of ours against a peer, joined on the keys."""
    keys = KEYS[mart]
    ours, other = _normalize(ours, mart), _normalize(other, mart)
    missing = [c for c in ours.columns if c not in other.columns]
    assert not missing, f"{mart}: peer lacks {missing}"
    joined = ours.merge(other[ours.columns], on=keys, how="outer", suffixes=("", "_peer"))
    unmatched = int(len(joined) - len(ours.merge(other[keys], on=keys)))
    worst, worst_column, mismatches = 0.0, "", []
    for column in ours.columns.difference(keys, sort=False):
        diff, mismatch = _column_mismatch(joined[column], joined[f"{column}_peer"], column)
        if diff > worst:
            worst, worst_column = diff, column
        if mismatch:
            mismatches.append(mismatch)
    return {
        "rows": (len(ours), len(other)),
        "unmatched": unmatched,
        "max_abs_diff": worst,
        "worst_column": worst_column,
        "mismatches": mismatches,
    }


def agreement(ours_db: Path, limit_db: Path, pandas_out: Path) -> dict:
    """Ours against each peer, every mart and column."""
    with duckdb.connect(str(ours_db), read_only=True) as con:
        ours = {m: con.sql(f"select * from marts.{m}").df() for m in MARTS}
    with duckdb.connect(str(limit_db), read_only=True) as con:
        peers = {
            "limit (one SQL script)": {m: con.sql(f"select * from peers.{m}").df() for m in MARTS}
        }
    if pandas_out.exists():
        peers["pandas twin"] = pickle.loads(pandas_out.read_bytes())
        pandas_out.unlink()
    return {
        (name, mart): compare(ours[mart], marts[mart], mart)
        for name, marts in peers.items()
        for mart in MARTS
    }


def row(*cells: object) -> None:
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


def _timings(ours_label: str, runs: dict) -> None:
    """The implementations' median seconds, ratio to ours and peak RSS."""

    def median(kind: str, field: str = "seconds") -> float:
        return statistics.median(r[field] for r in runs[kind])

    def peak(kind: str) -> float:
        return max(r["peak_rss_gb"] for r in runs[kind])

    base = median("ours")
    row("implementation", "seconds (median)", "ratio to ours", "peak RSS GB")
    print("|---|---:|---:|---:|")
    row(ours_label, f"{base:.2f}", "1.00", f"{peak('ours'):.2f}")
    if runs["pandas"] and "stopped" in runs["pandas"][-1]:
        row("pandas twin", runs["pandas"][-1]["stopped"], "-", f"{peak('pandas'):.2f}")
    else:
        seconds, compute = median("pandas"), median("pandas", "compute_seconds")
        read = median("pandas", "read_seconds")
        label = "pandas twin (the tests', incl. read from DuckDB)"
        row(label, f"{seconds:.2f}", f"{seconds / base:.2f}", f"{peak('pandas'):.2f}")
        label = f"pandas twin (compute only; read {read:.2f} s)"
        row(label, f"{compute:.2f}", f"{compute / base:.2f}", "")
    seconds = median("limit")
    label = "limit: one hand-written DuckDB SQL script"
    row(label, f"{seconds:.2f}", f"{seconds / base:.2f}", f"{peak('limit'):.2f}")
    every = "; ".join(
        f"{kind} " + ", ".join(f"{r.get('seconds', float('nan')):.2f}" for r in results)
        for kind, results in runs.items()
    )
    print(f"\nruns (s): {every}\n")


def _agreement(agreed: dict) -> None:
    """Each peer's rows, unmatched keys, largest difference and mismatching columns."""
    header = ["peer", "mart", "rows ours", "rows peer", "keys unmatched"]
    row(*header, "max abs diff (column)", "mismatches")
    print("|---|---|---:|---:|---:|---|---|")
    for (name, mart), result in agreed.items():
        rows_ours, rows_peer = result["rows"]
        print(
            f"| {name} | {mart} | {rows_ours:,} | {rows_peer:,} | {result['unmatched']} | "
            f"{result['max_abs_diff']:.2e} ({result['worst_column']}) | "
            f"{'; '.join(result['mismatches']) or 'none'} |"
        )
    if not any(name == "pandas twin" for name, _ in agreed):
        print("\n(the pandas twin did not finish: no agreement figures for it)")


def report(title: str, ours_label: str, runs: dict, agreed: dict, repeat: int) -> bool:
    """Print one part's tables; whether every implementation agreed."""
    print(f"\n## {title}\n\nmedian of {repeat} runs, interleaved\n")
    _timings(ours_label, runs)
    _agreement(agreed)
    return not any(r["mismatches"] or r["unmatched"] for r in agreed.values())
