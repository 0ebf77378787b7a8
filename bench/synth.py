"""Synthetic agreements at any scale, written straight to a DuckDB file with the contract's schema.

Distributions follow the bundled data: party counts, how often each state signs, years (weighted
to 2022-2025 as in the real data), date precision, forms, topic counts and topic frequencies, the
rare mutual defence clause. Titles and summaries are real ones reused (so text searches find
matches at every scale) with a synthetic suffix. Every row keeps the loader's invariants: sorted
parties without duplicates, at least one EU member, n_parties and scope agreeing with parties, year
equal to the year of signed_date, dates from 2014-01-01 to 2025-09-30.

Nothing goes through CSV validation (too slow at 1M rows); the tables are built from Arrow arrays.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from assistant.data import SCHEMA, Dataset

LAST = dt.date(2025, 9, 30)


def _weights(counter: Counter, keys) -> np.ndarray:
    w = np.array([counter.get(k, 0) for k in keys], dtype=float) + 0.5  # nothing impossible, nothing too rare
    return w / w.sum()


def _distinct_top_k(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For each row, an order of the categories drawn without replacement by weight (Gumbel top-k)."""
    keys = np.log(weights)[None, :] + rng.gumbel(size=(len(k), len(weights)))
    return np.argsort(-keys, axis=1)


def _lists(order: np.ndarray, k: np.ndarray, labels: list[str], sort: bool) -> pa.Array:
    take = np.arange(order.shape[1])[None, :] < k[:, None]
    chosen = np.where(take, order, order.shape[1])  # sentinel past the end for "not taken"
    if sort:
        chosen = np.sort(chosen, axis=1)  # labels are in sorted order, so sorting indices sorts codes
    flat = chosen[chosen < order.shape[1]]
    offsets = np.concatenate([[0], np.cumsum(k)]).astype(np.int32)
    values = pa.array(np.array(labels, dtype=object)[flat], type=pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def generate(dataset: Dataset, n: int, out: Path | str, seed: int = 2025) -> Path:
    """Write a DuckDB file with `n` synthetic agreements (and the real countries) to `out`."""
    rng = np.random.default_rng(seed)
    real = dataset.agreements
    codes = sorted(c.code for c in dataset.countries)
    eu = np.array([next(c.eu_member for c in dataset.countries if c.code == code) for code in codes])

    party_counts = Counter(a.n_parties for a in real)
    sizes = np.array(sorted(party_counts))
    n_parties = rng.choice(sizes, size=n, p=_weights(party_counts, sizes))
    country_w = _weights(Counter(p for a in real for p in a.parties), codes)
    order = _distinct_top_k(rng, country_w, n_parties)
    # At least one EU member: where the chosen parties are all non-EU (e.g. GB + UA), swap the last
    # one for the first EU state further down that row's order.
    chosen_eu = eu[order] & (np.arange(len(codes))[None, :] < n_parties[:, None])
    for row in np.flatnonzero(~chosen_eu.any(axis=1)):
        k = n_parties[row]
        j = k + int(np.argmax(eu[order[row, k:]]))
        order[row, k - 1], order[row, j] = order[row, j], order[row, k - 1]
    parties = _lists(order, n_parties, codes, sort=True)

    years_c = Counter(a.year for a in real)
    years = np.array(sorted(years_c))
    year = rng.choice(years, size=n, p=_weights(years_c, years))
    start = np.array([dt.date(int(y), 1, 1).toordinal() for y in years])
    end = np.array([min(dt.date(int(y), 12, 31), LAST).toordinal() for y in years])
    idx = np.searchsorted(years, year)
    ordinal = start[idx] + (rng.random(n) * (end[idx] - start[idx] + 1)).astype(np.int64)
    dates = np.array(ordinal - dt.date(1970, 1, 1).toordinal(), dtype="datetime64[D]")
    prec_c = Counter(a.date_precision for a in real)
    precisions = ["day", "month", "year"]
    precision = rng.choice(precisions, size=n, p=_weights(prec_c, precisions))
    months = dates.astype("datetime64[M]").astype("datetime64[D]")
    yearly = dates.astype("datetime64[Y]").astype("datetime64[D]")
    dates = np.where(precision == "month", months, np.where(precision == "year", yearly, dates))

    forms_c = Counter(a.form for a in real)
    forms = sorted(forms_c)
    form = rng.choice(forms, size=n, p=_weights(forms_c, forms))
    topic_c = Counter(t for a in real for t in a.topics)
    topic_names = sorted(topic_c)
    n_topics_c = Counter(len(a.topics) for a in real)
    n_topic_values = np.array(sorted(n_topics_c))
    n_topics = rng.choice(n_topic_values, size=n, p=_weights(n_topics_c, n_topic_values))
    topics = _lists(_distinct_top_k(rng, _weights(topic_c, topic_names), n_topics), n_topics, topic_names, sort=False)
    mutual = rng.random(n) < (sum(a.mutual_defence_clause for a in real) / len(real))

    pick = rng.integers(0, len(real), size=n)
    ids = np.char.add("S", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    titles = np.array([a.title for a in real], dtype=object)[pick] + np.char.add(" (synthetic ", ids).astype(object) + ")"
    summaries = np.array([a.summary for a in real], dtype=object)[pick]
    urls = np.char.add("https://example.org/synthetic/", ids)

    table = pa.table({
        "agreement_id": pa.array(ids, pa.string()),
        "title": pa.array(titles, pa.string()),
        "signed_date": pa.array(dates, pa.date32()),
        "date_precision": pa.array(precision, pa.string()),
        "year": pa.array(dates.astype("datetime64[Y]").astype(int) + 1970, pa.int32()),
        "parties": parties,
        "n_parties": pa.array(n_parties, pa.int32()),
        "scope": pa.array(np.where(n_parties == 2, "bilateral", "plurilateral"), pa.string()),
        "form": pa.array(form, pa.string()),
        "topics": topics,
        "mutual_defence_clause": pa.array(mutual, pa.bool_()),
        "summary": pa.array(summaries, pa.string()),
        "source_url": pa.array(urls, pa.string()),
    })
    out = Path(out)
    if out.exists():
        out.unlink()
    con = duckdb.connect(str(out))
    try:
        con.execute(SCHEMA)
        con.executemany("INSERT INTO countries VALUES (?, ?, ?, ?, ?)",
                        [(c.code, c.name, c.eu_member, c.nato_member, c.region) for c in dataset.countries])
        con.register("synthetic", table)
        con.execute("INSERT INTO agreements SELECT * FROM synthetic")
        con.unregister("synthetic")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return out


def check(path: Path | str) -> dict:
    """The loader's invariants, re-checked in SQL on the written file (cheap even at 1M rows)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        bad = con.execute("""
            SELECT
              count(*) FILTER (WHERE n_parties <> len(parties) OR n_parties < 2),
              count(*) FILTER (WHERE len(list_distinct(parties)) <> len(parties)),
              count(*) FILTER (WHERE parties <> list_sort(parties)),
              count(*) FILTER (WHERE scope <> CASE WHEN n_parties = 2 THEN 'bilateral' ELSE 'plurilateral' END),
              count(*) FILTER (WHERE year <> year(signed_date)),
              count(*) FILTER (WHERE signed_date NOT BETWEEN DATE '2014-01-01' AND DATE '2025-09-30'),
              count(*) FILTER (WHERE NOT list_has_any(parties,
                  (SELECT list(code) FROM countries WHERE eu_member))),
              count(*) - count(DISTINCT agreement_id)
            FROM agreements""").fetchone()
        names = ("n_parties", "duplicate parties", "unsorted parties", "scope", "year", "date range",
                 "no EU member", "duplicate ids")
        unknown = con.execute("SELECT count(*) FROM agreement_parties WHERE country_code NOT IN "
                              "(SELECT code FROM countries)").fetchone()[0]
        problems = {name: v for name, v in zip(names, bad, strict=True) if v}
        if unknown:
            problems["unknown country"] = unknown
        return problems
    finally:
        con.close()
