"""When each macro observation was first published, by the project's release calendar.

Used for observations whose source gives no vintages (FRED's graph CSV, a plain FRED CSV in the
files source): each is known from the release date of its release (the seed's ``release``
column), never earlier.

(Placeholder: the observation date plus the seed's ``release_lag_days``; the real calendar
rules replace it.)
"""

from __future__ import annotations

import pandas as pd

from dagster_project import reference


def release_dates(series_id: str, dates: pd.Series) -> pd.Series:
    """The day each observation of ``series_id`` dated ``dates`` was (or will be) published, as
    datetime64 values aligned with ``dates``."""
    lags = reference.macro_series().set_index("series_id")["release_lag_days"]
    return pd.to_datetime(dates) + pd.to_timedelta(int(lags[series_id]), unit="D")
