"""The sample source: a deterministic, offline, synthetic market that looks like the real one.

Nothing here is market history. One seed and one end date give one 30-year history, generated
once per source from a fixed origin (1995-01-01) and sliced for every request, so a sub-range is
always the exact slice of the full range. The model, from the bottom up, one module each (each
module's docstring describes its part, and its constants are at its top):

- ``market``: the large- and small-cap indexes (^GSPC, ^RUT), the series IJR and RSP track, and
  the indexes' prices;
- ``funds``: the ETFs' prices, dividends and shares outstanding;
- ``macro``: the macro series (rates, the Fed's target, unemployment, inflation, credit), and
  ``vintages``: their first prints and revisions, dated by the release calendar;
- ``valuations``: the indexes' forward and trailing P/E, monthly;
- ``members``: ``members`` synthetic members of each index (default 100; ``L0001``.. for ^GSPC,
  ``S0001``.. for ^RUT) with sectors, a realistic size distribution and prices whose
  cap-weighted daily returns are the index's exactly; their month-end holdings are the
  ``constituents`` of ^GSPC and ^RUT.

``history`` runs them all once (``generate_history``) and ``source`` serves slices of the result
(``SampleSource``); ``common`` holds the clock and the numerical helpers they share.
"""

from dagster_project.sources.sample.common import DEFAULT_END, DEFAULT_SEED, ORIGIN
from dagster_project.sources.sample.history import History, generate_history
from dagster_project.sources.sample.members import DEFAULT_MEMBERS
from dagster_project.sources.sample.source import SampleSource

__all__ = [
    "DEFAULT_END",
    "DEFAULT_MEMBERS",
    "DEFAULT_SEED",
    "ORIGIN",
    "History",
    "SampleSource",
    "generate_history",
]
