"""What a load from the files source adds: keys reloaded whole, files gone, files ignored.

Files are cheap to read: every file is hashed on every run. A key whose file changed since it
was loaded (its SHA-256 differs from the one kept in ``raw.file_digests``, or none is kept for
its stored rows) is fetched whole from the start date and replaces the key's stored history, as
a full refresh would (rows the file no longer has are deleted); an edit anywhere in a file,
however old, is loaded. Other sources, and holdings (read whole on every run, each file
replacing its snapshot), have none of this.
"""

from dataclasses import dataclass, field
from datetime import date
from logging import Logger

from duckdb import DuckDBPyConnection

from dagster_project import warehouse
from dagster_project.ingest.fetched import Fetched
from dagster_project.ingest.listing import listed
from dagster_project.ingest.specs import INGESTS, Ingest
from dagster_project.sources import Source
from dagster_project.sources.files import FilesSource, unknown_file_message


@dataclass
class Files:
    """The files of a files-source load: their digests, and the keys reloaded whole."""

    digests: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (path, sha256)
    recorded: dict[str, tuple[str, str]] = field(default_factory=dict)  # as kept in the warehouse
    whole: dict[str, str] = field(default_factory=dict)  # key -> why it is reloaded whole

    def loaded(self, keys: list[str], fetched: Fetched) -> dict[str, tuple[str, str]]:
        """The digests of ``keys`` that were read (not failed, not missing): to record."""
        read = [k for k in keys if k not in fetched.failed and k not in fetched.not_provided]
        return {k: self.digests[k] for k in read if k in self.digests}

    def gone(self, table: str, fetched: Fetched) -> dict[str, str]:
        """Keys whose file was loaded before and is gone: their stored rows are kept."""
        return {
            k: f"{k}: {self.recorded[k][0]} was loaded before and is gone: the rows loaded from"
            f" it stay in raw.{table} (put a file back to load it again)"
            for k in sorted(fetched.not_provided)
            if k in self.recorded
        }


def files_of(
    con: DuckDBPyConnection,
    source: Source,
    table: str,
    keys: list[str],
    last_loaded: dict[str, date],
) -> Files:
    """For the files source, each key's file digest, and the keys of ``last_loaded`` (keys with
    stored rows; empty on a full refresh) to reload whole: their file changed since it was
    loaded, or no digest is kept for their rows (loaded before digests were kept, or from
    another source since). Other sources, and holdings: nothing."""
    if not isinstance(source, FilesSource) or warehouse.RAW_TABLES[table].snapshot:
        return Files()
    files = Files(source.digests(INGESTS[table].folder, keys), warehouse.file_digests(con, table))
    for key in keys:
        if key not in files.digests or key not in last_loaded:
            continue
        path, sha256 = files.digests[key]
        if key not in files.recorded:
            files.whole[key] = f"{path}: no digest kept for its stored rows"
        elif files.recorded[key][1] != sha256:
            files.whole[key] = f"{path} changed"
    return files


def ignored_files(source: Source, ingest: Ingest, members: list[str] = ()) -> dict[str, str]:
    """Files of the files source's folder that name no known key: reported, never loaded."""
    if not isinstance(source, FilesSource):
        return {}
    # stray top-level entries (no folder) are reported once, with the prices
    folders = {ingest.folder, ""} if ingest.folder == "prices" else {ingest.folder}
    return {
        f: unknown_file_message(f)
        for f in source.unknown_files(members)
        if f.rpartition("/")[0] in folders
    }


def reloaded(log: Logger, whole: dict[str, str], start: date) -> str:
    """Log the keys reloaded whole and say them for the metadata."""
    if not whole:
        return "none"
    text = listed([f"{key} ({why})" for key, why in sorted(whole.items())])
    log.info(
        f"{len(whole)} file(s) changed since they were loaded, reloaded whole from"
        f" {start} (their stored rows replaced): {text}"
    )
    return text
