"""Small reads of the marts' frames shared by the charts and the headline: which rows there
are to draw, and the columns as floats."""

import pandas as pd


def recent(frame: pd.DataFrame, column: str, years: int) -> pd.DataFrame:
    """The rows of the last ``years`` years before the frame's latest ``column`` date."""
    if frame.empty:
        return frame
    start = frame[column].max() - pd.DateOffset(years=years)
    return frame[frame[column] >= start]


def runs(dates: pd.Series, labels: pd.Series):
    """(label, start, end) of each stretch of equal labels; a stretch ends where the next starts."""
    missing = "\0"  # stands for a null label, which starts no stretch
    text = labels.astype(object).where(labels.notna(), missing).astype(str).to_numpy()
    frame = pd.DataFrame({"date": dates.to_numpy(), "label": text})
    group = frame["label"].ne(frame["label"].shift()).cumsum()
    stretches = frame.groupby(group).agg(label=("label", "first"), start=("date", "first"))
    stretches["end"] = stretches["start"].shift(-1).fillna(frame["date"].iloc[-1])
    for run in stretches.itertuples():
        if run.label != missing:
            yield run.label, run.start, run.end


def numeric(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The frame with ``columns`` as floats (nullable ints and NA become float and NaN)."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def known_span(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The rows from the first to the last where one of ``columns`` is known (frame in date
    order). Empty rows between them stay, so a line breaks across a gap instead of joining it.
    """
    known = frame[list(columns)].notna().any(axis=1).to_numpy()
    if not known.any():
        return frame.iloc[0:0]
    first, last = known.argmax(), len(known) - known[::-1].argmax()
    return frame.iloc[first:last]


def has(frame: pd.DataFrame, *columns: str) -> bool:
    """True when the frame has every column and at least one row where one of them is known."""
    if frame.empty or not set(columns) <= set(frame.columns):
        return False
    return bool(frame[list(columns)].notna().any(axis=None))
