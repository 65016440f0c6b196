"""Sources of raw data. Each returns frames in the raw contracts of ``dagster_project.warehouse``.

Adding a source touches one new module and one line of ``SOURCES``: a factory that builds the
source from the project's settings (``resources.RotationSettings``).
"""

from collections.abc import Callable
from typing import Any

from dagster_project.sources.base import FetchError, NotProvided, Source
from dagster_project.sources.files import FilesSource
from dagster_project.sources.live import LiveSource
from dagster_project.sources.sample import SampleSource

SOURCES: dict[str, Callable[[Any], Source]] = {
    "sample": lambda settings: SampleSource(
        seed=settings.sample_seed, end=settings.end, members=settings.sample_members
    ),
    "files": lambda settings: FilesSource(settings.data_dir),
    "live": lambda settings: LiveSource(**settings.live_options()),
}

__all__ = ["SOURCES", "FetchError", "NotProvided", "Source"]
