"""The brief's headline figures beside the same figures computed from data/ (`python -m assistant figures`),
and the one line the chat adds when a question asks for one of them (`beside`).

The comparison is made on the brief's period (2014 – September 2025): ours are computed over the rows
signed in it, whatever has been added since, so that like is compared with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from assistant.data import BRIEF_END, FIRST_DATE, month_words
from assistant.intent import Dates, Intent, MutualDefence, Parties, Scope, Topic, Years
from assistant.run import Database

BRIEF_PERIOD = f"the brief's period ({FIRST_DATE.year} – {month_words(BRIEF_END)})"
INVASION = dt.date(2022, 2, 24)  # "since the invasion": the chat's reading (prompts/semantics.md), here too
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
COARSER = "we list each signed document on its own, where the brief counts partnerships more coarsely"


@dataclass(frozen=True)
class Figure:
    label: str
    brief: str  # as the brief states it
    sql: str  # how we compute ours
    tolerance: str  # how close a faithful reconstruction should be (documented in data/README.md)
    asks: Callable[[Intent], bool] | None = None  # the questions that ask for this figure in the chat
    differs: str = ""  # why ours differs, in a clause; empty where ours agrees with the brief
    what: str = ""  # what the brief's number counts, where the question may have counted something wider


def _years(intent: Intent, start: int | None, end: int | None, topic: str | None = None) -> bool:
    rest = [f for f in intent.filters if not isinstance(f, Years)]
    years = [f for f in intent.filters if isinstance(f, Years)]
    topics = [f.topic for f in rest if isinstance(f, Topic)]
    return (intent.kind in ("count", "list") and not intent.focus and len(years) == 1
            and (years[0].start, years[0].end) == (start, end) and topics == ([topic] if topic else [])
            and len(rest) == len(topics))


def _since_invasion(intent: Intent) -> bool:
    if _years(intent, 2022, None):
        return True
    dates = [f for f in intent.filters if isinstance(f, Dates)]
    return (intent.kind in ("count", "list") and not intent.focus and len(intent.filters) == 1 and len(dates) == 1
            and dates[0].start == INVASION and dates[0].before is None)


def _mutual(intent: Intent) -> bool:
    other = [f for f in intent.filters if not isinstance(f, (MutualDefence, Scope))]
    return (intent.kind in ("count", "list") and not intent.focus and not other
            and any(isinstance(f, MutualDefence) and f.value for f in intent.filters))


def _uk_with_eu(intent: Intent) -> bool:
    parties = [f for f in intent.filters if isinstance(f, Parties)]
    other = [f for f in intent.filters if not isinstance(f, (Parties, Scope))]
    return (intent.kind in ("count", "list") and not other and len(parties) == 2
            and any(f.codes == ("GB",) for f in parties) and any(set(f.codes) == EU for f in parties))


def _partners_of(code: str) -> Callable[[Intent], bool]:
    return lambda i: i.kind == "partners" and i.focus == (code,) and not i.filters and not i.restrict


def _comprehensive_ukraine(intent: Intent) -> bool:
    return (intent.kind == "partners" and intent.focus == ("UA",) and set(intent.restrict or EU) == EU
            and [getattr(f, "topic", None) for f in intent.filters] == ["comprehensive"])


FIGURES = (
    Figure("Agreements in all, 2014 - Sept 2025", "over 160 (~169)", "SELECT count(*) FROM agreements", ">= 160",
           lambda i: i.kind in ("count", "list") and not i.filters and not i.focus, COARSER),
    Figure("Signed since the full-scale invasion (24 February 2022 on)", "135",
           "SELECT count(*) FROM agreements WHERE signed_date >= DATE '2022-02-24'", "reported", _since_invasion,
           COARSER + "; 'since the invasion' counts from 24 February 2022, 'since 2022' from 1 January",
           "since the invasion"),
    Figure("Signed in 2024", "57", "SELECT count(*) FROM agreements WHERE year = 2024", "reported",
           lambda i: _years(i, 2024, 2024), COARSER),
    Figure("Signed in 2025 (to September)", "36", "SELECT count(*) FROM agreements WHERE year = 2025", "+-5",
           lambda i: _years(i, 2025, 2025)),
    Figure("Industry / procurement agreements in 2025", "almost 20",
           "SELECT count(*) FROM agreements WHERE year = 2025 AND list_contains(topics, 'industry_procurement')",
           "15 - 25", lambda i: _years(i, 2025, 2025, "industry_procurement"),
           "we tag every document that touches procurement or industry, agency memoranda and arms purchases included"),
    Figure("Bilateral agreements with a mutual defence clause", "6",
           "SELECT count(*) FROM agreements WHERE mutual_defence_clause AND scope = 'bilateral'", "exactly 6",
           _mutual),
    Figure("... of which France / UK / Germany", "3 / 3 / 2",
           "SELECT string_agg(n::VARCHAR, ' / ' ORDER BY k) FROM (SELECT k, count(*) n FROM "
           "(SELECT unnest(['1FR','2GB','3DE']) k) JOIN agreements ON mutual_defence_clause "
           "AND list_contains(parties, k[2:]) GROUP BY k)", "exact"),
    Figure("States with a mutual defence clause", "FR, FI, DE, GR, PL, SE, UK",
           "SELECT string_agg(DISTINCT p, ', ' ORDER BY p) FROM (SELECT unnest(parties) p FROM agreements "
           "WHERE mutual_defence_clause)", "same set"),
    Figure("UK bilateral arrangements with EU states", "25",
           "SELECT count(*) FROM agreements WHERE list_contains(parties, 'GB') AND scope = 'bilateral' "
           "AND NOT list_contains(parties, 'UA')", "reported", _uk_with_eu,
           "we count summit declarations and successive documents with the same partner one by one",
           "UK bilateral arrangements with EU states"),
    Figure("EU states the UK has a bilateral arrangement with", "21",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'GB') "
           "AND scope = 'bilateral') WHERE p NOT IN ('GB', 'UA')", "reported"),
    Figure("EU states with a comprehensive agreement with Ukraine", "21",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'UA') "
           "AND list_contains(topics, 'comprehensive') AND scope = 'bilateral') WHERE p <> 'UA'", "exactly 21",
           _comprehensive_ukraine),
    Figure("Partner states of France", "more than 20",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'FR')) "
           "WHERE p <> 'FR'", "> 20", _partners_of("FR")),
    Figure("Partner states of Germany", "more than 20",
           "SELECT count(DISTINCT p) FROM (SELECT unnest(parties) p FROM agreements WHERE list_contains(parties, 'DE')) "
           "WHERE p <> 'DE'", "> 20", _partners_of("DE")),
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


def _reaches_past_brief(intent: Intent) -> bool:
    """Whether the question's time (none: all of it) reaches past the end of the brief's period."""
    for f in intent.filters:
        if isinstance(f, Years) and f.end is not None and f.end < BRIEF_END.year:
            return False
        if isinstance(f, Dates) and f.before is not None and f.before <= BRIEF_END:
            return False
    return True


def beside(intent: Intent, data_end: dt.date = BRIEF_END) -> str | None:
    """The line the chat adds under an answer that gives one of the brief's figures: the brief's own, and why
    ours differs (the About page tells the whole story). Data reaching past the brief's period (`data_end`)
    is one more reason, said too."""
    figure = next((f for f in FIGURES if f.asks and f.asks(intent)), None)
    if figure is None:
        return None
    said = f"The Böll brief gives {figure.brief}" + (f" {figure.what}" if figure.what else "")
    later = data_end > BRIEF_END and _reaches_past_brief(intent)
    line = f"{said}; ours differs because {figure.differs}." if figure.differs else \
        (f"{said}." if later else f"{said} too.")
    if later:  # the brief's figure is for its own period: ours may differ for that reason alone
        line += f" Ours also counts agreements signed after {month_words(BRIEF_END)}, the end of the brief's period."
    return line
