"""Resources, chosen by one environment switch: the source, and the warehouse's path.

``settings_from_env`` is the one place that reads the ``ROTATION_*`` environment variables
(docs/configuration.md); everything else receives a ``RotationSettings`` resource.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from importlib.metadata import version
from pathlib import Path

from dagster import ConfigurableResource, EnvVar
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging.version import Version

from dagster_project.reference import PROJECT_ROOT
from dagster_project.sources import SOURCES, Source

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_models"


class RotationSettings(ConfigurableResource):
    """What to load and where: the user's interface, with the README's defaults."""

    source: str = "sample"
    data_dir: str | None = None
    warehouse: str = "warehouse/rotation.duckdb"
    start_date: str = "1995-01-01"
    sample_seed: int = 42
    sample_end: str = "2026-06-30"
    sample_members: int = 100  # members of each sample index (^GSPC, ^RUT)
    overlap_days: int = 10  # incremental loads refetch this many days before the last loaded
    full_refresh: bool = False
    allow_shrink: bool = False  # let a replacing load delete more than load_bounds' max_shrink
    batch_symbols: int = 250  # member prices are committed every this many symbols
    duckdb_memory: str = "2GB"  # DuckDB's memory_limit, in this process and in dbt's
    # serving versions kept: the last this many, and every one published within these hours
    serving_keep: int = 3
    serving_keep_hours: float = 24.0
    # the live providers: base URLs (tests point them at 127.0.0.1), keys, HTTP behaviour
    fred_graph_url: str = "https://fred.stlouisfed.org"
    fred_api_url: str = "https://api.stlouisfed.org"
    fred_api_key: str | None = None
    yahoo_url: str = "https://query1.finance.yahoo.com"
    stooq_url: str = "https://stooq.com"
    stooq_api_key: str | None = None
    ishares_url: str = "https://www.ishares.com"
    spdr_url: str = "https://www.ssga.com"
    http_timeout: float = 30.0
    http_retries: int = 4
    http_backoff: float = 1.0
    http_concurrency: int = 4  # requests in flight at once (symbols fetched in parallel)
    http_rate: float = 2.0  # requests per second to each host (0: unbounded)

    @property
    def warehouse_path(self) -> str:
        """Absolute path of the writer's DuckDB file (relative paths are from the project root)."""
        path = Path(self.warehouse)
        return str(path if path.is_absolute() else (PROJECT_ROOT / path).resolve())

    @property
    def start(self) -> date:
        return _date("ROTATION_START_DATE", self.start_date)

    @property
    def end(self) -> date:
        if self.source == "sample":
            return _date("ROTATION_SAMPLE_END", self.sample_end)
        return date.today()

    def client(self) -> Source:
        """The configured source, ready to fetch."""
        if self.source not in SOURCES:
            raise ValueError(
                f"ROTATION_SOURCE={self.source!r} is not a source; choose one of {sorted(SOURCES)}"
            )
        if self.overlap_days < 0:
            raise ValueError(
                f"ROTATION_OVERLAP_DAYS={self.overlap_days} is negative: loads would skip days;"
                " give 0 or more"
            )
        _ = (self.start, self.end)  # a date that does not parse fails here, naming its variable
        return SOURCES[self.source](self)

    def live_options(self) -> dict[str, object]:
        """The live source's constructor arguments."""
        return {
            "fred_graph_url": self.fred_graph_url,
            "fred_api_url": self.fred_api_url,
            "fred_api_key": self.fred_api_key,
            "yahoo_url": self.yahoo_url,
            "stooq_url": self.stooq_url,
            "stooq_api_key": self.stooq_api_key,
            "ishares_url": self.ishares_url,
            "spdr_url": self.spdr_url,
            "timeout": self.http_timeout,
            "retries": self.http_retries,
            "backoff": self.http_backoff,
            "concurrency": self.http_concurrency,
            "rate": self.http_rate or None,
        }


def _date(variable: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{variable}={value!r} is not a date: write it as YYYY-MM-DD") from None


def settings_from_env(environ: dict[str, str] | None = None) -> RotationSettings:
    """Build the settings from ``ROTATION_*`` variables, falling back to the README's defaults."""
    env = os.environ if environ is None else environ
    names = {
        "source": "ROTATION_SOURCE",
        "data_dir": "ROTATION_DATA_DIR",
        "warehouse": "ROTATION_WAREHOUSE",
        "start_date": "ROTATION_START_DATE",
        "sample_seed": "ROTATION_SAMPLE_SEED",
        "sample_end": "ROTATION_SAMPLE_END",
        "sample_members": "ROTATION_SAMPLE_MEMBERS",
        "batch_symbols": "ROTATION_BATCH_SYMBOLS",
        "duckdb_memory": "ROTATION_DUCKDB_MEMORY",
        "serving_keep": "ROTATION_SERVING_KEEP",
        "serving_keep_hours": "ROTATION_SERVING_KEEP_HOURS",
        "overlap_days": "ROTATION_OVERLAP_DAYS",
        "full_refresh": "ROTATION_FULL_REFRESH",
        "allow_shrink": "ROTATION_ALLOW_SHRINK",
        "fred_graph_url": "ROTATION_FRED_URL",
        "fred_api_url": "ROTATION_FRED_API_URL",
        "yahoo_url": "ROTATION_YAHOO_URL",
        "stooq_url": "ROTATION_STOOQ_URL",
        "ishares_url": "ROTATION_ISHARES_URL",
        "spdr_url": "ROTATION_SPDR_URL",
        "http_timeout": "ROTATION_HTTP_TIMEOUT",
        "http_retries": "ROTATION_HTTP_RETRIES",
        "http_concurrency": "ROTATION_HTTP_CONCURRENCY",
        "http_rate": "ROTATION_HTTP_RATE",
    }
    settings = {field: env[var] for field, var in names.items() if env.get(var)}
    # keys stay environment variables: Dagster shows their names, never their values
    for field, var in {"fred_api_key": "FRED_API_KEY", "stooq_api_key": "STOOQ_API_KEY"}.items():
        if env.get(var):
            settings[field] = EnvVar(var)
    return RotationSettings(**settings)


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two costs it pays before every dbt command.

    It runs ``dbt --version`` (and a request to pypi.org for dbt's latest version) to tell dbt
    Core from the Fusion engine, and opens dbt's adapter in this process only to fetch row
    counts and column metadata, which this project does not ask for. The dbt here is always dbt
    Core, from uv.lock (what this saves: docs/benchmarks.md). tests/pipeline/test_definitions.py
    fails if dagster-dbt renames these.
    """

    @property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: object) -> None:
        return None


def build_resources(settings: RotationSettings) -> dict[str, object]:
    """The resources every asset and check of the project uses."""
    Path(settings.warehouse_path).parent.mkdir(parents=True, exist_ok=True)
    # The dbt beside this interpreter, so the CLI works without an activated virtualenv.
    dbt_beside_python = Path(sys.executable).with_name("dbt")
    return {
        "settings": settings,
        "duckdb": DuckDBResource(
            database=settings.warehouse_path,
            connection_config={"memory_limit": settings.duckdb_memory},
        ),
        "dbt": DbtCli(
            project_dir=str(DBT_PROJECT_DIR),
            dbt_executable=str(dbt_beside_python) if dbt_beside_python.exists() else "dbt",
        ),
    }
