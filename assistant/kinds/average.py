"""Averages and medians: parties per agreement, agreements per state, agreements per year.

    What is the average number of parties per agreement?
    Average number of signatories on military mobility pacts?
    Median number of agreements per country?
    avg number of agreements per EU member state
    How many agreements does Sweden sign per year on average?

SEMANTICS.md: "average number of parties" = mean of n_parties over the agreements in question (one
decimal), with the count behind it; "per state" or "per year" = mean over the states or years in scope
(states or years with none count as zero; the years run from the first to the last of the question's
period, 2014 and the newest year in the data when it names none).
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import filtered, in_codes, per_party, where
from assistant.intent import Dates, Intent, Month, Parties, Period, Refusal, YearIn, Years
from assistant.kinds.frame import Context, Frame
from assistant.parse_time import FIRST_YEAR, LAST_YEAR
from assistant.wording import filter_words

KIND = "average"
WORDS = ("average", "median")  # cue words a typo may stand for ("avergae")
EXAMPLES = ("What is the average number of parties per agreement?", "Median number of agreements per country?",
            "How many agreements does Sweden sign per year on average?", "avg number of agreements per EU member state")
STAT = re.compile(r"\b(on average|in average|average|averages|avg|(?<!i )(?<!you )(?<!we )(?<!they )mean|median|typical|"
                  r"typically)\b")  # ("I mean strategic partnerships" corrects the last question)
PARTIES = re.compile(r"\b(parties|party|signatories|signatory states|signatory countries|participants|members|"
                     r"states|countries|nations) (per|in an?|on an?|for an?|of an?|to an?) (agreement|deal|pact|accord|treaty)\b"
                     r"|\bnumber of (parties|signatories|participants|signatory states|signatory countries|members)\b"
                     r"|\b(average|mean|median|typical) (size|number of parties)\b"
                     r"|\b(parties|signatories|participants)\b")
PER_STATE = re.compile(r"\b(per|each|a|an|every|by) (\w+ ){0,2}(states?|countr(y|ies)|nations?|members?|member states?|"
                       r"signatory|signatories|government)\b")
PER_YEAR = re.compile(r"\b(per|each|a|every|by) (calendar )?year\b|\b(annually|yearly|annual|a year|per annum)\b")


def recognise(text: str, context: Context) -> Frame | None:
    m = STAT.search(text)
    if not m:
        return None
    stat = "median" if m[1] == "median" else "mean"
    rest = text[: m.start()] + " " + text[m.end():]
    if PER_YEAR.search(rest):
        per, rest = "year", PER_YEAR.sub(" ", rest)
    elif re.search(r"\b(parties|signatories|participants|signatory states|signatory countries)\b", rest):
        per, rest = "agreement", PARTIES.sub(" agreements ", rest)
    elif PER_STATE.search(rest) and (re.search(r"\bagreements?|deals?|pacts?|accords?|treaties\b", rest) or
                                     not PARTIES.search(rest)):  # "avg per state in that region": agreements
        per = "state"
        rest = PER_STATE.sub(lambda x: " " + x[0].split(" ", 1)[1], rest)  # "per EU member state" keeps "EU member state"
    elif PARTIES.search(rest):
        per, rest = "agreement", PARTIES.sub(" agreements ", rest)
    else:
        per = ""
    rest = re.sub(r"\b(the|what is|what's|whats|number of|how many|is the|was the)\b", " ", rest)
    return Frame(KIND, rest, {"stat": stat, "per": per}, refers=False)


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    s = frame.settings
    if not s["per"]:
        return Refusal("clarify", "An average of what? I can give the average number of parties per agreement, "
                       "of agreements per state, or of agreements per year.", "an average without saying of what",
                       ("What is the average number of parties per agreement?",
                        "What is the average number of agreements per state?",
                        "How many agreements were signed per year on average?"))
    filters, restrict, label = list(base.filters), base.restrict, base.restrict_label
    if s["per"] == "state":
        for f in list(filters):  # "per EU member state": the group names the states averaged over
            if isinstance(f, Parties) and len(f.codes) > 1 and f.mode == "any" and not restrict:
                restrict, label = f.codes, f.label
                filters.remove(f)
    return Intent(kind=KIND, filters=tuple(filters), restrict=restrict, restrict_label=label, stat=s["stat"],
                  per=s["per"], notes=base.notes, last_year=context.v.last_date.year)


def years(intent: Intent) -> tuple[int, int]:
    """The years an average per year runs over: the question's period, else the data's."""
    start, end = FIRST_YEAR, intent.last_year or LAST_YEAR
    for f in intent.filters:
        if isinstance(f, Years):
            start, end = f.start or start, f.end or end
        elif isinstance(f, YearIn):
            start, end = min(f.years), max(f.years)
        elif isinstance(f, (Month, Period)):
            start = end = f.year
        elif isinstance(f, Dates):
            start = f.start.year if f.start else start
            end = f.before.year if f.before else end
    return start, end


def _stat(intent: Intent, column: str) -> exp.Expression:
    fn = "median" if intent.stat == "median" else "avg"
    return exp.func("round", exp.func(fn, exp.column(column)), exp.Literal.number(1))


def sql(intent: Intent) -> exp.Select:
    if intent.per == "agreement":
        return filtered(exp.select(exp.alias_(_stat(intent, "n_parties"), "average"), "count(*) AS agreements")
                        .from_("agreements AS a"), intent)
    if intent.per == "state":
        counted = exp.select("s.code", "count(*) AS n").from_(per_party(intent).subquery("s")).group_by("s.code")
        per_state = exp.select("c.code", "coalesce(s.n, 0) AS n").from_("countries AS c") \
            .join(counted.subquery("s"), on="s.code = c.code", join_type="left")
        if intent.restrict:
            per_state = per_state.where(in_codes("c.code", intent.restrict))
        return exp.select(exp.alias_(_stat(intent, "n"), "average"), "count(*) AS states") \
            .from_(per_state.subquery("t"))
    first, last = years(intent)
    span = exp.Array(expressions=[exp.Literal.number(y) for y in range(first, last + 1)])
    on = exp.column("year", "a").eq(exp.column("year", "y"))
    condition = where(intent)
    per_year = exp.select("y.year", "count(a.agreement_id) AS n") \
        .from_(exp.select(exp.alias_(exp.Unnest(expressions=[span]), "year")).subquery("y")) \
        .join("agreements AS a", on=exp.and_(on, condition) if condition is not None else on, join_type="left") \
        .group_by("y.year")
    return exp.select(exp.alias_(_stat(intent, "n"), "average"), "sum(n) AS agreements", "count(*) AS years") \
        .from_(per_year.subquery("t"))


def _what(intent: Intent) -> str:
    stat = "median" if intent.stat == "median" else "average"
    if intent.per == "agreement":
        return f"the {stat} number of parties per agreement"
    if intent.per == "state":
        among = intent.restrict_label or "the 29 states in the data"
        return f"the {stat} number of agreements per state, over {among} (states with none count as zero)"
    first, last = years(intent)
    return f"the {stat} number of agreements per year, over {first}–{last} (years with none count as zero)"


def interpretation(v, intent: Intent) -> str:
    return f"{_what(intent)[:1].upper()}{_what(intent)[1:]}, for agreements {filter_words(v, intent)}."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    value = rows[0][0] if rows else None
    if value is None:
        return f"There are no agreements {filter_words(v, intent)} in the data, so there is no average to give."
    behind = {"agreement": lambda r: f"over {r[1]} agreements",
              "state": lambda r: f"over {r[1]} states",
              "year": lambda r: f"{r[1]} agreements over {r[2]} years"}[intent.per](rows[0])
    return f"{_what(intent)[:1].upper()}{_what(intent)[1:].split(',')[0].split(' (')[0]} is {value:.1f} " \
           f"({behind}; agreements {filter_words(v, intent)})."
