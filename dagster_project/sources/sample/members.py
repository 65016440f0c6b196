"""Synthetic members of the sample's two indexes: a cross-section of ^GSPC and of ^RUT.

Nothing here is market history. For each index, ``n`` members (``sample_members``; symbols
``L0001``.. for ^GSPC, ``S0001``.. for ^RUT, numbered by size at the origin, largest first;
names ``Sample Large Co 0001``, ``Sample Small Co 0001``) are members from the origin
(1995-01-03) to the end: membership is constant and no member splits, issues or buys back shares.

**Sizes.** Log market caps at the origin follow a two-piece distribution drawn by stratified
quantiles: a normal lower half (sd ``size_low``) and an upper half with a Pareto-like tail
(sd ``size_high`` plus ``size_convexity`` x z^2). It is tuned at the real index sizes: ^GSPC's
top-10 weight is ~30-35% with 500 names, ^RUT's ~3-5% with 2,000 names. Fewer names give a
more concentrated index (the top 10 of 100 names are a tenth of the index, not a fiftieth).

**Returns.** Each member's relative log size moves by ``(beta - 1) x`` the index's log return,
plus its sector's factor (11 GICS sectors, with their real shares of names), plus Student-t(4)
idiosyncratic noise (higher for smaller members, rising with the index's volatility), and
mean-reverts (``reversion`` per year: a stand-in for index reconstitution, which moves members
that grew or shrank too far out of the index, and keeps the cross-section's concentration
roughly stable over 30 years). The index's total market cap is proportional to the index's
*published* (rounded) close, and each member's cap is its softmax share of the total. So,
with weights = the previous day's caps (shares x close), the cap-weighted sum of the members'
daily returns is the index's daily return exactly (to float precision), every day, and a
member's log return is ~ beta x the index's + sector + noise less a small common correction.

**Prices.** close = cap / shares, not rounded (rounding to cents would break the exact
tracking); open, high and low around it as for the indexes, volume = shares x a daily turnover
that rises with volatility. Members pay no dividends: ``adj_close`` = ``close``.

**Holdings.** On the last trading day of each month: weight = the member's share of the
index's market cap that day (weights of one date sum to 1) and shares = the member's shares
held by the index, i.e. all its shares outstanding (the index holds the whole company), so
weight = shares x close / sum(shares x close) on that day.

Everything is generated once per source and sliced (a sub-range is the exact slice of the full
range), in numpy over (days x members) arrays with no Python loop over days; only the closes
(8 bytes a member a day) are kept, and open, high, low and volume are made per member on
request from a random stream of their own, so any batch of members gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist

import numpy as np
import pandas as pd

from dagster_project.sources.calendar import trading_days

DAYS_PER_YEAR = 252
DEFAULT_MEMBERS = 100  # per index: keeps the default build fast
STREAM_TAG = 0x4D454D42  # spawn key of the members' random streams ("MEMB")
CROSS_SECTION, DAILY = 0, 1  # what a stream is for

# GICS sectors as iShares' holdings files spell them (so every source writes the same labels)
SECTORS = (
    "Information Technology",
    "Financials",
    "Health Care",
    "Industrials",
    "Consumer Discretionary",
    "Communication",
    "Consumer Staples",
    "Energy",
    "Materials",
    "Real Estate",
    "Utilities",
)
NOISE_DOF = 4.0  # Student-t innovations of members and sectors
Z_CLIP = 10.0
CALM_CAP = 1.8  # in crashes, idiosyncratic volatility rises at most this much
GAP_SHARE, GAP_NOISE, WICK = 0.3, 0.2, 0.4  # open/high/low, as for the indexes
VOLUME_NOISE, VOLUME_VOL_ELASTICITY = 0.35, 0.6
PRICE_MEDIAN, PRICE_SD = 20.0, 0.4  # a member's price at the origin (log-normal)
MIN_SHARES = 10_000


@dataclass(frozen=True)
class MemberSpec:
    """How one index's members are drawn."""

    code: int  # the index's number in the random streams
    prefix: str  # symbols: L0001, ...
    label: str  # names: Sample Large Co 0001, ...
    real_size: int  # names in the real index: the size distribution is tuned there
    total_cap: float  # USD, of ``real_size`` members at the origin (scaled by n / real_size)
    size_low: float  # sd of log cap below the median
    size_high: float  # sd of log cap above the median ...
    size_convexity: float  # ... plus this x z^2: a Pareto-like upper tail
    beta_sd: float  # betas ~ 1 + beta_sd x N(0, 1), within 0.3..2.5
    idio_vol: float  # idiosyncratic volatility per year of a member of median size
    idio_size_elasticity: float  # ... x exp(-this x log size relative to the median)
    sector_vol: float  # per year: each sector's factor relative to the index
    reversion: float  # per year: how fast relative size returns to its level
    turnover: float  # median shares traded a day / shares
    sectors: tuple[float, ...]  # share of names in each of SECTORS


SPECS: dict[str, MemberSpec] = {
    # S&P 500 by count: industrials, financials and technology lead; total cap ~$4.6tn in 1995
    "^GSPC": MemberSpec(
        code=0, prefix="L", label="Large", real_size=500, total_cap=4.6e12,
        size_low=0.8, size_high=0.9, size_convexity=0.27, beta_sd=0.25,
        idio_vol=0.22, idio_size_elasticity=0.08, sector_vol=0.10, reversion=0.2,
        turnover=0.006,
        sectors=(0.15, 0.14, 0.12, 0.16, 0.10, 0.045, 0.07, 0.045, 0.05, 0.06, 0.06),
    ),
    # Russell 2000 by count: financials, health care (biotech) and industrials lead
    "^RUT": MemberSpec(
        code=1, prefix="S", label="Small", real_size=2000, total_cap=0.45e12,
        size_low=0.85, size_high=0.72, size_convexity=0.0, beta_sd=0.3,
        idio_vol=0.40, idio_size_elasticity=0.12, sector_vol=0.12, reversion=0.5,
        turnover=0.008,
        sectors=(0.12, 0.17, 0.16, 0.16, 0.10, 0.03, 0.035, 0.05, 0.045, 0.06, 0.03),
    ),
}  # fmt: skip

PRICE_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"]
HOLDING_COLUMNS = ["fund", "date", "symbol", "name", "sector", "weight", "shares"]
_NORMAL = NormalDist()


def _stream(seed: int, spec: MemberSpec, purpose: int, number: int = 0) -> np.random.Generator:
    """An independent random stream (not one of ``history.STREAMS``, whose spawn keys have length
    1)."""
    key = (STREAM_TAG, spec.code, purpose, number)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _student_t(rng: np.random.Generator, size) -> np.ndarray:
    """Student-t draws scaled to unit variance, clipped at Z_CLIP (in place)."""
    z = rng.standard_t(NOISE_DOF, size)
    z *= np.sqrt((NOISE_DOF - 2.0) / NOISE_DOF)
    return np.clip(z, -Z_CLIP, Z_CLIP, out=z)


def _counts(shares: tuple[float, ...], n: int) -> np.ndarray:
    """Whole numbers of names per sector summing to ``n`` (largest remainders)."""
    exact = np.asarray(shares) / sum(shares) * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(counts - exact)[: n - counts.sum()]] += 1
    return counts


def _ar1_inplace(shocks: np.ndarray, phi: float, start: np.ndarray, block: int = 256) -> None:
    """x_t = phi x_(t-1) + shock_t along axis 0, in place, from x_(-1) = ``start``.

    Closed form in blocks of days: x_(a+k-1) = phi^k (x_(a-1) + sum_j<=k phi^-j shock_(a+j-1)),
    so there is no Python loop over days (a block's phi^-k stays small).
    """
    previous = np.asarray(start, dtype=float)
    for first in range(0, len(shocks), block):
        segment = shocks[first : first + block]
        k = np.arange(1, len(segment) + 1)
        segment *= (phi ** -k.astype(float))[:, None]
        np.cumsum(segment, axis=0, out=segment)
        segment += previous[None, :]
        segment *= (phi ** k.astype(float))[:, None]
        previous = segment[-1].copy()


@dataclass
class CrossSection:
    """What is drawn once per member (positions = member number - 1)."""

    log_size: np.ndarray  # log cap relative to the median, at the origin (before dynamics)
    sector: np.ndarray  # index into SECTORS
    beta: np.ndarray
    idio_vol: np.ndarray  # per year
    price: np.ndarray  # at the origin


def _cross_section(rng: np.random.Generator, spec: MemberSpec, n: int) -> CrossSection:
    # stratified quantiles, largest first: the shape of the distribution, not luck, sets the top
    u = (np.arange(n)[::-1] + 0.01 + 0.98 * rng.random(n)) / n
    z = np.array([_NORMAL.inv_cdf(q) for q in u])
    log_size = np.where(z < 0, spec.size_low * z, spec.size_high * z + spec.size_convexity * z * z)
    sector = np.repeat(np.arange(len(SECTORS)), _counts(spec.sectors, n))
    rng.shuffle(sector)
    beta = np.clip(1.0 + spec.beta_sd * rng.standard_normal(n), 0.3, 2.5)
    idio = spec.idio_vol * np.exp(
        -spec.idio_size_elasticity * log_size + 0.2 * rng.standard_normal(n)
    )
    price = PRICE_MEDIAN * np.exp(PRICE_SD * rng.standard_normal(n))
    return CrossSection(log_size, sector, beta, np.clip(idio, 0.08, 2.0 * spec.idio_vol), price)


class IndexMembers:
    """The members of one index over the sample's trading days.

    ``close`` is (days x members); everything else is made on request. ``days`` and
    ``index_close`` are the index's (its close as published, rounded to cents).
    """

    def __init__(
        self,
        seed: int,
        fund: str,
        n: int,
        days: pd.DatetimeIndex,
        index_close: np.ndarray,
        index_vol: np.ndarray,
    ):
        if n < 1:
            raise ValueError(f"sample members: need at least one member per index, not {n}")
        self.seed, self.fund, self.spec, self.n = seed, fund, SPECS[fund], n
        self.days = days
        self.index_close = np.asarray(index_close, dtype=float)
        self.index_vol = np.asarray(index_vol, dtype=float)  # daily, conditional
        # idiosyncratic and sector volatility rise with the index's (square-root elasticity)
        self.calm = np.minimum(np.sqrt(self.index_vol / np.median(self.index_vol)), CALM_CAP)
        width = max(4, len(str(n)))
        numbers = [f"{i:0{width}d}" for i in range(1, n + 1)]
        self.symbols = np.array([f"{self.spec.prefix}{x}" for x in numbers], dtype=object)
        self.names = np.array([f"Sample {self.spec.label} Co {x}" for x in numbers], dtype=object)
        self.position = {s: i for i, s in enumerate(self.symbols)}
        self.xs = _cross_section(_stream(seed, self.spec, CROSS_SECTION), self.spec, n)
        self.shares, self.close = self._simulate()

    def _simulate(self) -> tuple[np.ndarray, np.ndarray]:
        """Shares (constant) and daily closes (days x members); see the module docstring."""
        spec, xs = self.spec, self.xs
        rng = _stream(self.seed, spec, CROSS_SECTION, 1)
        days, n = len(self.days), self.n
        log_close = np.log(self.index_close)
        index_return = np.diff(log_close, prepend=log_close[0])
        root_year = np.sqrt(DAYS_PER_YEAR)

        # daily moves of relative log size: idiosyncratic + (beta - 1) x index + sector
        moves = _student_t(rng, (days, n))
        moves *= (xs.idio_vol / root_year)[None, :]
        moves *= self.calm[:, None]
        moves += np.multiply.outer(index_return, xs.beta - 1.0)
        sector = _student_t(rng, (days, len(SECTORS)))
        sector *= (spec.sector_vol / root_year) * self.calm[:, None]
        moves += sector[:, xs.sector]
        del sector

        # mean reversion, started from the stationary spread; the level keeps the total spread
        phi = np.exp(-spec.reversion / DAYS_PER_YEAR)
        stationary = np.sqrt((xs.idio_vol**2 + spec.sector_vol**2) / DAYS_PER_YEAR / (1.0 - phi**2))
        _ar1_inplace(moves, phi, stationary * rng.standard_normal(n))
        spread = np.var(xs.log_size) if n > 1 else 1.0
        shrink = np.sqrt(max(0.2, 1.0 - np.mean(stationary**2) / spread)) if spread else 1.0
        moves += (shrink * xs.log_size)[None, :]

        # caps: each member's softmax share of the index's total cap (in place: one array)
        moves -= moves.max(axis=1, keepdims=True)
        np.exp(moves, out=moves)
        moves /= moves.sum(axis=1, keepdims=True)
        total_cap = spec.total_cap * n / spec.real_size
        moves *= (total_cap * self.index_close / self.index_close[0])[:, None]
        shares = np.maximum(np.round(moves[0] / xs.price), MIN_SHARES)
        moves /= shares[None, :]
        return shares, moves

    # --- what the source serves ---------------------------------------------------------------

    @cached_property
    def month_ends(self) -> np.ndarray:
        """Positions of the last trading day of each month (the final day only if its month
        has no trading day after it)."""
        periods = self.days.to_period("M")
        final = self.days[-1]
        rest = trading_days(final + pd.Timedelta(days=1), final + pd.offsets.MonthEnd(0))
        return np.flatnonzero(np.append(periods[1:] != periods[:-1], len(rest) == 0))

    def holdings(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        """fund, date, symbol, name, sector, weight, shares: month-end snapshots in the range."""
        at = self.month_ends
        at = at[(self.days[at] >= first) & (self.days[at] <= last)]
        caps = self.close[at] * self.shares[None, :]
        weights = caps / caps.sum(axis=1, keepdims=True)
        m = len(at)
        return pd.DataFrame(
            {
                "fund": self.fund,
                "date": np.repeat(self.days[at].to_numpy(), self.n),
                "symbol": np.tile(self.symbols, m),
                "name": np.tile(self.names, m),
                "sector": np.tile(np.array(SECTORS, dtype=object)[self.xs.sector], m),
                "weight": weights.ravel(),
                "shares": np.tile(self.shares, m),
            },
            columns=HOLDING_COLUMNS,
        )

    def prices(self, symbols: list[str], first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        """The raw.prices rows of some members over first..last, by symbol then date.

        Computed on the requested days only (a daily load asks each member for a few days),
        from the same whole-horizon streams, so a day's values never depend on the range asked.
        """
        cols = np.array(sorted(self.position[s] for s in set(symbols)), dtype=int)
        rows = np.flatnonzero((self.days >= first) & (self.days <= last))
        if len(cols) == 0 or len(rows) == 0:
            return pd.DataFrame(columns=PRICE_COLUMNS)
        close = self.close[np.ix_(rows, cols)]
        previous = self.close[np.ix_(np.maximum(rows - 1, 0), cols)]
        xs, spec = self.xs, self.spec
        # daily volatility of each member: market, sector and idiosyncratic parts
        vol_all = np.sqrt(
            np.multiply.outer(self.index_vol**2, xs.beta[cols] ** 2)
            + np.multiply.outer(self.calm**2, spec.sector_vol**2 + xs.idio_vol[cols] ** 2)
            / DAYS_PER_YEAR
        )
        vol = vol_all[rows]
        noise = np.stack(  # (4, days, members): each member's own stream, the asked days
            [
                _stream(self.seed, spec, DAILY, int(c)).standard_normal((4, len(self.days)))
                for c in cols
            ],
            axis=2,
        )[:, rows]
        gap = GAP_SHARE * np.log(close / previous) + GAP_NOISE * vol * noise[0]
        open_ = previous * np.exp(gap)
        high = np.maximum(open_, close) * np.exp(WICK * vol * np.abs(noise[1]))
        low = np.minimum(open_, close) * np.exp(-WICK * vol * np.abs(noise[2]))
        surprise = (vol / np.median(vol_all, axis=0)) ** VOLUME_VOL_ELASTICITY
        traded = np.exp(VOLUME_NOISE * noise[3] - VOLUME_NOISE**2 / 2) * surprise
        volume = np.maximum(np.round(self.shares[cols] * spec.turnover * traded), 1)

        def long(values: np.ndarray) -> np.ndarray:  # (days, members) -> by member, then day
            return values.T.ravel()

        columns = {
            "symbol": np.repeat(self.symbols[cols], len(rows)),
            "date": np.tile(self.days[rows].to_numpy(), len(cols)),
            "open": long(open_),
            "high": long(high),
            "low": long(low),
            "close": long(close),
            "adj_close": long(close),  # no dividends
            "volume": long(volume).astype(np.int64),
        }
        return pd.DataFrame({name: columns[name] for name in PRICE_COLUMNS})


def generate_members(
    seed: int,
    n: int,
    days: pd.DatetimeIndex,
    index_closes: dict[str, np.ndarray],
    index_vols: dict[str, np.ndarray],
) -> dict[str, IndexMembers]:
    """The members of each index in SPECS, ``n`` per index."""
    return {
        fund: IndexMembers(seed, fund, n, days, index_closes[fund], index_vols[fund])
        for fund in SPECS
    }
