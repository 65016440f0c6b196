"""Ingest assets: one per raw contract, each an upsert of what the configured source returns.

A load is incremental: each symbol or series is fetched from its last loaded date minus an
overlap (revisions overwrite), unless a full refresh is asked for (docs/architecture.md, on the
incremental machinery). Keys are fetched one by one (the live source: several at once); a key
that fails is reported and does not stop the others, and the asset's blocking check
``all_keys_loaded`` then fails, so no mart is rebuilt on a partial load. Each load is validated
before it is written: a refused load writes nothing.

``raw/constituents`` loads the members of each fund or index (the source's ``funds()``: the
sample's indexes, the iShares funds of the instruments seed for files and live); ``raw/prices``
then loads the instruments and every member of the holdings snapshots. The daily marts follow
the trading calendar (``raw/trading_calendar``, dagster_project.trading_calendar), which runs
as far as any instrument, ETF or macro series is loaded.

The modules, in the order a run goes through them:

- ``specs``: what each asset loads (``INGESTS``), its freshness, its run config;
- ``fetched`` and ``fetching``: each key's window, and the keys fetched in batches;
- ``rebased``: prices only, histories the source re-based and adjusted closes a fallback lacks;
- ``files``: the files source's changed, gone and unknown files;
- ``run`` and ``load``: one run's resources, and one load upserted through the gate;
- ``members``: the funds' members' prices, in batches;
- ``checks``: the asset checks and the metadata;
- ``assets``: the assets themselves (fetch -> upsert -> checks -> metadata).
"""

from dagster_project.ingest.assets import all_ingest_assets
from dagster_project.ingest.fetched import Fetched
from dagster_project.ingest.fetching import fetch_batches, fetch_keys
from dagster_project.ingest.files import ignored_files
from dagster_project.ingest.members import Members, _is_current
from dagster_project.ingest.specs import (
    COMPLETE_CHECK,
    CURRENT_CHECK,
    DAILY,
    INGESTS,
    MEMBERS_CHECK,
    MONTHLY,
    MONTHLY_MACRO,
    QUARANTINE_CHECK,
    Fetch,
    Ingest,
    IngestConfig,
)

__all__ = [
    "COMPLETE_CHECK",
    "CURRENT_CHECK",
    "DAILY",
    "INGESTS",
    "MEMBERS_CHECK",
    "MONTHLY",
    "MONTHLY_MACRO",
    "QUARANTINE_CHECK",
    "Fetch",
    "Fetched",
    "Ingest",
    "IngestConfig",
    "Members",
    "_is_current",
    "all_ingest_assets",
    "fetch_batches",
    "fetch_keys",
    "ignored_files",
]
