"""Sources of raw data. Each returns frames in the raw contracts of ``dagster_project.warehouse``.

Adding a source touches one new module and one line of ``SOURCES``: a factory that builds the
source from the project's source and HTTP resources (``resources.SourceResource``,
``resources.HttpResource``).
"""

from collections.abc import Callable
from typing import Any

from dagster_project.sources.base import FetchError, NotProvided, Source
from dagster_project.sources.files import FilesSource
from dagster_project.sources.live import LiveSource
from dagster_project.sources.sample import SampleSource

SOURCES: dict[str, Callable[[Any, Any], Source]] = {
    "sample": lambda source, http: SampleSource(
        seed=source.sample_seed, end=source.end, members=source.sample_members
    ),
    "files": lambda source, http: FilesSource(source.data_dir),
    "live": lambda source, http: LiveSource(**http.live_options()),
}

__all__ = ["SOURCES", "FetchError", "NotProvided", "Source"]
