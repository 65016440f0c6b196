"""Resources, one per concern, each configured by its ``ROTATION_*`` variables
(docs/configuration.md):

- ``warehouse``: the DuckDB file, DuckDB's memory limit and the serving versions kept;
- ``source``: which source to load, from which date, and the sample's shape;
- ``http``: the live providers' addresses, keys and HTTP behaviour;
- ``loading``: how the ingest assets load (overlap, full refresh, shrink bound, batch size);
- ``engine``: which engine builds the dbt models, DuckDB or Spark (docs/spark.md);
- ``dbt``: the dbt CLI, which takes no setting.

``resources_from_env`` configures them at launch: a field whose variable is set reads it
(Dagster's ``EnvVar``) when a run launches, any other keeps its default, and the UI's launchpad
can change every field of a run (``resources: {warehouse: {config: {path: ...}}}``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import ClassVar, TypeVar

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from duckdb import DuckDBPyConnection
from packaging.version import Version

from dagster_project.reference import PROJECT_ROOT
from dagster_project.sources import SOURCES, Source

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_models"


class WarehouseResource(ConfigurableResource):
    """The warehouse: its DuckDB file, DuckDB's memory limit, and the serving versions kept."""

    VARIABLES: ClassVar[dict[str, str]] = {
        "path": "ROTATION_WAREHOUSE",
        "duckdb_memory": "ROTATION_DUCKDB_MEMORY",
        "serving_keep": "ROTATION_SERVING_KEEP",
        "serving_keep_hours": "ROTATION_SERVING_KEEP_HOURS",
    }
    path: str = "warehouse/rotation.duckdb"  # relative paths are from the project root
    duckdb_memory: str = "2GB"  # DuckDB's memory_limit, in this process and in dbt's
    # serving versions kept: the last this many, and every one published within these hours
    serving_keep: int = 3
    serving_keep_hours: float = 24.0

    @property
    def database(self) -> str:
        """Absolute path of the writer's DuckDB file."""
        path = Path(self.path)
        return str(path if path.is_absolute() else (PROJECT_ROOT / path).resolve())

    def setup_for_execution(self, context: InitResourceContext) -> None:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def get_connection(self) -> Iterator[DuckDBPyConnection]:
        """A connection to the warehouse, within DuckDB's memory limit."""
        duckdb = DuckDBResource(
            database=self.database, connection_config={"memory_limit": self.duckdb_memory}
        )
        with duckdb.get_connection() as con:
            yield con


ENGINES = ("duckdb", "spark")


class EngineResource(ConfigurableResource):
    """Which engine builds the dbt models: DuckDB, in the warehouse file, or Spark, from raw
    tables published to its warehouse folder, its marts landed back in the DuckDB warehouse
    (``dagster_project.spark``)."""

    VARIABLES: ClassVar[dict[str, str]] = {
        "name": "ROTATION_ENGINE",
        "spark_warehouse": "ROTATION_SPARK_WAREHOUSE",
        "spark_target": "ROTATION_SPARK_TARGET",
        "spark_dbt": "ROTATION_SPARK_DBT",
    }
    name: str = "duckdb"  # duckdb or spark
    # dbt_models/profiles.yml's target for Spark: `spark` (local) or one of a cluster's
    spark_target: str = "spark"
    # Spark's folder: raw/ (published Parquet), tables/ (the models), metastore/ (its catalog).
    # A relative path is from the project root; a URI (s3://...) is used as it is.
    spark_warehouse: str = "warehouse/spark"
    # The dbt that builds on Spark: dbt-spark's own environment (`make spark-env`), never this
    # one, where PySpark beside Great Expectations ends some processes (docs/spark.md).
    # Relative to the project root.
    spark_dbt: str = ".venv-spark/bin/dbt"

    @property
    def is_spark(self) -> bool:
        if self.name not in ENGINES:
            raise ValueError(
                f"ROTATION_ENGINE={self.name!r} is not an engine; choose one of {ENGINES}"
            )
        return self.name == "spark"

    @property
    def spark_root(self) -> str:
        """The Spark warehouse folder: absolute, or the URI as given."""
        if "://" in self.spark_warehouse or Path(self.spark_warehouse).is_absolute():
            return self.spark_warehouse
        return str((PROJECT_ROOT / self.spark_warehouse).resolve())

    @property
    def spark_dbt_path(self) -> Path:
        """The Spark environment's dbt executable; an error saying how to make it if missing."""
        path = Path(self.spark_dbt)
        path = path if path.is_absolute() else PROJECT_ROOT / path
        if not path.exists():
            raise FileNotFoundError(
                f"ROTATION_ENGINE=spark builds with dbt-spark from {path}, which does not exist: "
                "`make spark-env` makes it (or set ROTATION_SPARK_DBT to another dbt-spark)"
            )
        return path

    @property
    def dbt_target(self) -> str:
        """The engine's target in dbt_models/profiles.yml."""
        return self.spark_target if self.is_spark else "dev"


class HttpResource(ConfigurableResource):
    """The live providers: base URLs (tests point them at 127.0.0.1), keys, HTTP behaviour."""

    VARIABLES: ClassVar[dict[str, str]] = {
        "fred_graph_url": "ROTATION_FRED_URL",
        "fred_api_url": "ROTATION_FRED_API_URL",
        "fred_api_key": "FRED_API_KEY",
        "yahoo_url": "ROTATION_YAHOO_URL",
        "stooq_url": "ROTATION_STOOQ_URL",
        "stooq_api_key": "STOOQ_API_KEY",
        "ishares_url": "ROTATION_ISHARES_URL",
        "spdr_url": "ROTATION_SPDR_URL",
        "timeout": "ROTATION_HTTP_TIMEOUT",
        "retries": "ROTATION_HTTP_RETRIES",
        "concurrency": "ROTATION_HTTP_CONCURRENCY",
        "rate": "ROTATION_HTTP_RATE",
    }
    fred_graph_url: str = "https://fred.stlouisfed.org"
    fred_api_url: str = "https://api.stlouisfed.org"
    fred_api_key: str | None = None
    yahoo_url: str = "https://query1.finance.yahoo.com"
    stooq_url: str = "https://stooq.com"
    stooq_api_key: str | None = None
    ishares_url: str = "https://www.ishares.com"
    spdr_url: str = "https://www.ssga.com"
    timeout: float = 30.0  # seconds per request
    retries: int = 4  # on 429, 5xx and timeouts
    backoff: float = 1.0  # seconds before the first retry (no variable)
    concurrency: int = 4  # requests in flight at once (symbols fetched in parallel)
    rate: float = 2.0  # requests per second to each host (0: unbounded)

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
            "timeout": self.timeout,
            "retries": self.retries,
            "backoff": self.backoff,
            "concurrency": self.concurrency,
            "rate": self.rate or None,
        }


class SourceResource(ConfigurableResource):
    """Where the raw data comes from (``sources.SOURCES``), and from which date.

    A test may hand the ingest assets a subclass whose ``client`` returns a fake source.
    """

    VARIABLES: ClassVar[dict[str, str]] = {
        "name": "ROTATION_SOURCE",
        "data_dir": "ROTATION_DATA_DIR",
        "start_date": "ROTATION_START_DATE",
        "sample_seed": "ROTATION_SAMPLE_SEED",
        "sample_end": "ROTATION_SAMPLE_END",
        "sample_members": "ROTATION_SAMPLE_MEMBERS",
    }
    name: str = "sample"  # sample, files or live
    data_dir: str | None = None  # the folder the files source reads
    start_date: str = "1995-01-01"
    sample_seed: int = 42
    sample_end: str = "2026-06-30"
    sample_members: int = 100  # members of each sample index (^GSPC, ^RUT)

    @property
    def start(self) -> date:
        return _date("ROTATION_START_DATE", self.start_date)

    @property
    def end(self) -> date:
        if self.name == "sample":
            return _date("ROTATION_SAMPLE_END", self.sample_end)
        return date.today()

    def client(self, http: HttpResource) -> Source:
        """The configured source, ready to fetch (the live one with ``http``'s settings)."""
        if self.name not in SOURCES:
            raise ValueError(
                f"ROTATION_SOURCE={self.name!r} is not a source; choose one of {sorted(SOURCES)}"
            )
        _ = (self.start, self.end)  # a date that does not parse fails here, naming its variable
        return SOURCES[self.name](self, http)


class LoadingResource(ConfigurableResource):
    """How the ingest assets load; a run's config (``IngestConfig``) may also ask for a full
    refresh or allow a shrink."""

    VARIABLES: ClassVar[dict[str, str]] = {
        "overlap_days": "ROTATION_OVERLAP_DAYS",
        "full_refresh": "ROTATION_FULL_REFRESH",
        "allow_shrink": "ROTATION_ALLOW_SHRINK",
        "batch_symbols": "ROTATION_BATCH_SYMBOLS",
    }
    overlap_days: int = 10  # incremental loads refetch this many days before the last loaded
    full_refresh: bool = False
    allow_shrink: bool = False  # let a replacing load delete more than load_bounds' max_shrink
    batch_symbols: int = 250  # member prices are committed every this many symbols

    @property
    def overlap(self) -> int:
        """``overlap_days``, checked: a negative overlap would skip days."""
        if self.overlap_days < 0:
            raise ValueError(
                f"ROTATION_OVERLAP_DAYS={self.overlap_days} is negative: loads would skip days;"
                " give 0 or more"
            )
        return self.overlap_days


def _date(variable: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{variable}={value!r} is not a date: write it as YYYY-MM-DD") from None


Resource = TypeVar("Resource", bound=ConfigurableResource)
CONFIGURED = (WarehouseResource, SourceResource, HttpResource, LoadingResource, EngineResource)
_TRUE, _FALSE = {"1", "true", "t", "yes", "y", "on"}, {"0", "false", "f", "no", "n", "off"}


def _parsed(variable: str, text: str, kind: object) -> object:
    """A variable's text as its field's kind; a bad value names the variable."""
    if kind is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
    elif kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    else:
        return text
    raise ValueError(f"{variable}={text!r} is not a valid {kind.__name__}")


def _set(resource: type[ConfigurableResource], environ: Mapping[str, str]) -> dict[str, str]:
    """The resource's fields whose variable is set (not empty), with their variable."""
    return {field: var for field, var in resource.VARIABLES.items() if environ.get(var)}


def from_env(resource: type[Resource], environ: Mapping[str, str] | None = None) -> Resource:
    """The resource with its set variables read now (the command-line tools, tests)."""
    env = os.environ if environ is None else environ
    fields = resource.model_fields
    return resource(
        **{
            field: _parsed(var, env[var], fields[field].annotation)
            for field, var in _set(resource, env).items()
        }
    )


def at_launch(resource: type[ConfigurableResource]):
    """The resource configured when a run launches: a field whose variable is set now reads it
    then (``EnvVar``), the others keep their defaults; run config may change any field.

    Dagster reads text and whole numbers from the environment at launch, but has no float
    source and its bool source reads "no" as true: a set float or bool variable is read here,
    when the definitions load, and becomes the field's default.
    """
    fields = resource.model_fields
    values: dict[str, object] = {}
    for field, var in _set(resource, os.environ).items():
        kind = fields[field].annotation
        if kind is int:
            values[field] = EnvVar.int(var)
        elif kind in (str, str | None):
            values[field] = EnvVar(var)  # keys too: Dagster shows their names, never values
        else:
            values[field] = _parsed(var, os.environ[var], kind)
    return resource.configure_at_launch(**values)


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


def build_resources(
    warehouse: object = None,
    source: object = None,
    http: object = None,
    loading: object = None,
    engine: object = None,
) -> dict[str, object]:
    """The resources every asset and check of the project uses: those given, the others with
    their defaults."""
    # The dbt beside this interpreter, so the CLI works without an activated virtualenv.
    dbt_beside_python = Path(sys.executable).with_name("dbt")
    return {
        "warehouse": warehouse or WarehouseResource(),
        "source": source or SourceResource(),
        "http": http or HttpResource(),
        "loading": loading or LoadingResource(),
        "engine": engine or EngineResource(),
        "dbt": DbtCli(
            project_dir=str(DBT_PROJECT_DIR),
            dbt_executable=str(dbt_beside_python) if dbt_beside_python.exists() else "dbt",
        ),
    }


def resources_from_env() -> dict[str, object]:
    """The resources as the ``ROTATION_*`` variables configure them, at launch (``at_launch``)."""
    return build_resources(*(at_launch(resource) for resource in CONFIGURED))
