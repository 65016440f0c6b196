"""What refuses a staged load before anything of it is written.

A load is staged (``staging``) and then checked: by the caller's validation (``Validate``: the
ingest asset's suite and plausibility, ``dagster_project.gate``) and, for a load that replaces
history, by the shrink guard (``shrinking``). Any problem raises ``LoadRefused``, and the
transaction is rolled back: the table, its quarantine, file digests and load log stay exactly as
they were.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb

from dagster_project.warehouse.contracts import RawTable

# A validation of a staged load (see upsert): the problems that refuse it, none if it passes.
Validate = Callable[[duckdb.DuckDBPyConnection, RawTable], list[str]]


class LoadRefused(ValueError):
    """A load the warehouse refused before writing anything: ``problems`` says why."""

    def __init__(self, table: str, problems: list[str]):
        self.table, self.problems = table, problems
        listed = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n- ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{table}: load refused, nothing written:\n{listed}{more}")


def refuse_problems(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    replace_from: date | None,
    max_shrink: float | None,
    validate: Validate | None,
) -> None:
    """Raise ``LoadRefused`` if the staged load has problems: with ``max_shrink``, a replacing
    load that would delete more than that share of a key's stored rows (``shrinking``); with
    ``validate``, whatever it finds."""
    problems = []
    if max_shrink is not None and replace_from is not None and not table.snapshot:
        problems += shrinking(con, table, replace_from, max_shrink)
    if validate is not None:
        problems += validate(con, table)
    if problems:
        raise LoadRefused(table.qualified, problems)


def shrinking(
    con: duckdb.DuckDBPyConnection, table: RawTable, replace_from: date, max_share: float
) -> list[str]:
    """The keys a replacing load (``doomed``) would shrink by more than ``max_share`` of their
    stored rows from ``replace_from``, each with the numbers."""
    first = table.first_key
    found = con.execute(
        f"""
        with stored as (
            select {first} as key, count(*) as n from {table.qualified}
            where date >= ? and {first} in (select distinct {first} from doomed)
            group by all
        ), deleting as (select {first} as key, count(*) as n from doomed group by all)
        select key, d.n, s.n from deleting d join stored s using (key)
        where d.n > ? * s.n order by key
        """,
        [replace_from, max_share],
    ).fetchall()
    return [
        f"{key}: this load would delete {deleted:,} of its {stored:,} stored rows from"
        f" {replace_from} ({deleted / stored:.0%}, more than the {max_share:.0%} allowed):"
        " the source now has fewer rows than the warehouse (a cut or partial file?)."
        " Set ROTATION_ALLOW_SHRINK=1 to replace the history on purpose"
        for key, deleted, stored in found
    ]
