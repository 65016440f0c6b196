"""Fetching keys in batches: one at a time, or several at once on threads.

A key that fails is reported and does not stop the others. The live source fetches as many keys
at once as its HTTP client allows in flight (``Source.concurrency``).
"""

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

import pandas as pd

from dagster_project.ingest.fetched import Fetched, collect, fetch_one
from dagster_project.ingest.rebased import fetch_rebased_whole
from dagster_project.ingest.specs import Fetch, Window


def fetch_batches(
    fetch: Fetch,
    batches: list[list[str]],
    last_loaded: dict[str, date],
    window: Window,
    workers: int = 1,
    stored: pd.DataFrame | None = None,
) -> Iterator[Fetched]:
    """Fetch each batch of keys; with ``workers`` > 1, that many keys at once. With ``stored``
    (``warehouse.recent_prices``), the keys whose history the source re-based are fetched again
    whole (``rebased.fetch_rebased_whole``).

    The next batch is fetched while the caller stores the current one (one batch ahead, so
    memory stays bounded); if the caller stops, keys not yet started are cancelled.
    """
    if workers <= 1:
        for batch in batches:
            fetched = collect(fetch_one(fetch, key, last_loaded, window) for key in batch)
            yield fetch_rebased_whole(fetch, fetched, stored, window)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")

    def submit(batch: list[str]) -> list[Future]:
        return [pool.submit(fetch_one, fetch, key, last_loaded, window) for key in batch]

    try:
        ahead = submit(batches[0]) if batches else []
        for i in range(len(batches)):
            current, ahead = ahead, submit(batches[i + 1]) if i + 1 < len(batches) else []
            fetched = collect(future.result() for future in current)
            yield fetch_rebased_whole(fetch, fetched, stored, window)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def fetch_keys(
    fetch: Fetch,
    keys: list[str],
    last_loaded: dict[str, date],
    window: Window,
    workers: int = 1,
    stored: pd.DataFrame | None = None,
) -> Fetched:
    """Fetch each key from its last loaded date minus the overlap (or from the start date; see
    ``fetch_batches``)."""
    return next(fetch_batches(fetch, [list(keys)], last_loaded, window, workers, stored))
