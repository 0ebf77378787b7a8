"""The brief's headline figures beside the same figures computed from data/ (`python -m assistant figures`).

The comparison is made on the brief's period (2014 – September 2025): ours are computed over the rows
signed in it, whatever has been added since, so that like is compared with like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.data import BRIEF_END, FIRST_DATE, month_words
from assistant.run import Database

BRIEF_PERIOD = f"the brief's period ({FIRST_DATE.year} – {month_words(BRIEF_END)})"


@dataclass(frozen=True)
class Figure:
    label: str
    brief: str  # as the brief states it
    sql: str  # how we compute ours
    tolerance: str  # how close a faithful reconstruction should be (documented in data/README.md)


FIGURES = (
    Figure("Agreements in all, 2014 - Sept 2025", "over 160 (~169)", "SELECT count(*) FROM agreements", ">= 160"),
    Figure("Signed since the full-scale invasion (2022 on)", "135",
           "SELECT count(*) FROM agreements WHERE year >= 2022", "reported"),
    Figure("Signed in 2024", "57", "SELECT count(*) FROM agreements WHERE year = 2024", "reported"),
    Figure("Signed in 2025 (to September)", "36", "SELECT count(*) FROM agreements WHERE year = 2025", "+-5"),
    Figure("Industry / procurement agreements in 2025", "almost 20",
           "SELECT count(*) FROM agreements WHERE year = 2025 AND list_contains(topics, 'industry_procurement')",
           "15 - 25"),
    Figure("Bilateral agreements with a mutual defence clause", "6",
           "SELECT count(*) FROM agreements WHERE mutual_defence_clause AND scope = 'bilateral'", "exactly 6"),
    Figure("... of which France / UK / Germany", "3 / 3 / 2",
           "SELECT string_agg(n::VARCHAR, ' / ' ORDER BY k) FROM (SELECT k, count(*) n FROM "
           "(SELECT unnest(['1FR','2GB','3DE']) k) JOIN agreements ON mutual_defence_clause "
           "AND list_contains(parties, k[2:]) GROUP BY k)", "exact"),
    Figure("States with a mutual defence clause", "FR, FI, DE, GR, PL, SE, UK",
           "SELECT string_agg(DISTINCT p, ', ' ORDER BY p) FROM (SELECT unnest(parties) p FROM agreements "
           "WHERE mutual_defence_clause)", "same set"),
    Figure("UK bilateral arrangements with EU states", "25",
           "SELECT count(*) FROM agreements WHERE list_contains(parties, 'GB') AND scope = 'bilateral' "
           "AND NOT list_contains(parties, 'UA')", "reported"),
    Figure("EU states the UK has a bilateral arrangement with", "21",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'GB') "
           "AND scope = 'bilateral') WHERE p NOT IN ('GB', 'UA')", "reported"),
    Figure("EU states with a comprehensive agreement with Ukraine", "21",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'UA') "
           "AND list_contains(topics, 'comprehensive') AND scope = 'bilateral') WHERE p <> 'UA'", "exactly 21"),
    Figure("Partner states of France", "more than 20",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'FR')) "
           "WHERE p <> 'FR'", "> 20"),
    Figure("Partner states of Germany", "more than 20",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'DE')) "
           "WHERE p <> 'DE'", "> 20"),
    Figure("Main EU hubs (most agreements)", "France, Germany, Sweden, Finland",
           "SELECT string_agg(name, ', ' ORDER BY n DESC, name) FROM (SELECT c.name, count(*) n FROM agreement_parties ap "
           "JOIN countries c ON c.code = ap.country_code WHERE c.eu_member GROUP BY c.name ORDER BY n DESC, c.name LIMIT 4)",
           "FR and DE in the top 4"),
    Figure("Agreements of Austria / Ireland / Malta / Hungary", "very few",
           "SELECT string_agg(n::VARCHAR, ' / ' ORDER BY k) FROM (SELECT k, count(ap.agreement_id) n FROM "
           "(SELECT unnest(['1AT','2IE','3MT','4HU']) k) LEFT JOIN agreement_parties ap ON ap.country_code = k[2:] GROUP BY k)",
           "each below the median state"),
)


def scoped(sql: str, until: dt.date) -> str:
    """`sql` over the rows signed up to `until` only: the tables it reads are shadowed by filtered ones."""
    return (f"WITH agreements AS (SELECT * FROM main.agreements WHERE signed_date <= DATE '{until.isoformat()}'), "
            "agreement_parties AS (SELECT agreement_id, unnest(parties) AS country_code FROM agreements) " + sql)


def compute(db: Database, until: dt.date = BRIEF_END) -> list[tuple[Figure, str]]:
    """Our value of each figure within the brief's period (or up to another day)."""
    return [(f, str(db.execute(scoped(f.sql, until)).rows[0][0])) for f in FIGURES]


def table(db: Database) -> str:
    rows = compute(db)
    w = max(len(f.label) for f, _ in rows)
    lines = [f"Ours are computed within {BRIEF_PERIOD}.",
             f"{'figure':<{w}}  {'brief':<28}  ours", f"{'-' * w}  {'-' * 28}  {'-' * 30}"]
    lines += [f"{f.label:<{w}}  {f.brief:<28}  {ours}" for f, ours in rows]
    if db.dataset is not None:
        n = db.execute("SELECT count(*) FROM agreements").rows[0][0]
        lines.append(f"All the data, {db.dataset.period}: {n} agreements "
                     f"({n - int(rows[0][1])} signed after the brief's period).")
    return "\n".join(lines)
