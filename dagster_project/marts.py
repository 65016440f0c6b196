"""The registry of marts: which marts exist, their domain, grain and columns, from dbt.

A mart is a dbt model under ``dbt_models/models/marts/<domain>/``; its yml lists its columns
and says under ``config: meta:`` its grain, ``keys`` (the columns that identify a row), and
``date_column`` (the column its rows are dated by; null for a mart whose rows are not dated).
Everything that needs the list of marts, their keys or their columns asks here: the summary,
the serving layer, the Great Expectations suites (their column sets) and the tests. Adding a
mart or a column then touches its SQL and its yml only.

The registry is the dbt manifest (``make prepare``, which runs ``dbt parse``), read the first
time it is asked, never at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetKey

from dagster_project.reference import PROJECT_ROOT

MANIFEST = PROJECT_ROOT / "dbt_models" / "target" / "manifest.json"  # written by `dbt parse`
DOMAIN_LAYERS = ("intermediate", "marts")  # the model folders split into domain folders


@dataclass(frozen=True)
class Mart:
    """One mart as its yml describes it."""

    name: str  # fct_rotation_daily
    schema: str  # marts
    domain: str  # rotation: its folder under models/marts/
    keys: tuple[str, ...]  # the grain: one row per distinct combination
    date_column: str | None  # what a row is dated by (None: its rows are not dated)
    columns: tuple[str, ...]  # in the yml's order

    @property
    def table(self) -> str:
        """The warehouse table, ``marts.fct_rotation_daily``."""
        return f"{self.schema}.{self.name}"

    @property
    def asset_key(self) -> AssetKey:
        """Its Dagster asset, keyed by schema and name (dagster_project.transform)."""
        return AssetKey([self.schema, self.name])


def domain(node: dict[str, Any]) -> str | None:
    """The domain folder of a dbt model of an intermediate or mart layer
    (``models/marts/rotation/x.sql``: rotation); None for other nodes and layers."""
    # fqn: project, the folders under models/, then the model's name
    folders = node.get("fqn", [])[1:-1]
    if node.get("resource_type") != "model" or len(folders) < 2:
        return None
    return folders[1] if folders[0] in DOMAIN_LAYERS else None


@cache
def _manifest(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise FileNotFoundError(
            f"no dbt manifest {path}: run `make prepare` (dbt parse) to register the marts"
        )
    return json.loads(path.read_text())


def _mart(node: dict[str, Any]) -> Mart:
    """A mart from its manifest node; its yml must give its grain and document its columns."""
    meta = node["config"].get("meta", {})
    columns = tuple(node["columns"])
    keys = tuple(meta.get("keys") or ())
    date_column = meta.get("date_column")
    where = node["patch_path"] or node["original_file_path"]
    folder = domain(node)
    if folder is None:
        raise ValueError(f"mart {node['name']} is not in a folder models/marts/<domain>/ ({where})")
    if not columns:
        raise ValueError(f"mart {node['name']} lists no columns in its yml ({where})")
    if not keys:
        raise ValueError(
            f"mart {node['name']} has no grain: its yml needs config: meta: keys ({where})"
        )
    missing = [c for c in (*keys, date_column) if c is not None and c not in columns]
    if missing:
        raise ValueError(f"mart {node['name']}: {missing} in meta but not a column ({where})")
    return Mart(node["name"], node["schema"], folder, keys, date_column, columns)


@cache
def _registry(path: Path) -> dict[str, Mart]:
    nodes = _manifest(path)["nodes"].values()
    found = [_mart(n) for n in nodes if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    return {m.name: m for m in sorted(found, key=lambda m: (m.domain, m.name))}


def marts() -> list[Mart]:
    """Every mart, by domain and name."""
    return list(_registry(MANIFEST).values())


def mart(name: str) -> Mart:
    """The mart of that name (``fct_rotation_daily``) or table (``marts.fct_rotation_daily``)."""
    for found in marts():
        if name in (found.name, found.table):
            return found
    known = ", ".join(m.name for m in marts())
    raise KeyError(f"no mart {name!r} in the dbt project; the marts: {known}")


def asset_keys(names: list[str] | None = None) -> list[AssetKey]:
    """The asset keys of the named marts (every mart without names): a name the registry does
    not know fails here, not as a dependency on an asset that nothing materializes."""
    chosen = marts() if names is None else [mart(name) for name in names]
    return [m.asset_key for m in chosen]
