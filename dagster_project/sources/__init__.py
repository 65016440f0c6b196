"""Sources of raw data. Each returns frames in the raw contracts of ``dagster_project.warehouse``.

Adding a source touches one new module and one line of ``SOURCES``.
"""

from __future__ import annotations

from dagster_project.sources.base import Source
from dagster_project.sources.sample import SampleSource

SOURCES: dict[str, type[Source]] = {
    "sample": SampleSource,
}

__all__ = ["SOURCES", "Source"]
