"""Keys and messages as the run's descriptions and metadata show them: a long list cut short."""

from dagster import MetadataValue

LISTED = 25  # keys named in metadata before "... and N more"


def listed(keys: list[str]) -> str:
    """The first ``LISTED`` keys, comma-separated, and how many more."""
    more = len(keys) - LISTED
    return ", ".join(keys[:LISTED]) + (f" ... and {more} more" if more > 0 else "")


def bullets(messages: dict[str, str]) -> MetadataValue:
    """The messages as a Markdown list (the first ``4 * LISTED``), or "none"."""
    lines = [f"- {m}" for m in messages.values()]
    if len(lines) > 4 * LISTED:
        lines = [*lines[: 4 * LISTED], f"- ... and {len(lines) - 4 * LISTED} more"]
    return MetadataValue.md("\n".join(lines) or "none")
