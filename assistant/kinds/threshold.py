"""Thresholds on counts: the states whose number of agreements (or partners) passes a bound.

    Which states have signed more than 20 agreements?
    Which NATO allies have fewer than 10 agreements in the data?
    Countries with at least 10 agreements since 2022
    How many states have more than 5 partners?
    what about at least 25?                 (after one of these: the same question, another bound)

SEMANTICS.md: "more than 20" = > 20, "at least" = >=, "fewer than 5" = < 5, states with none included.
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import in_codes, per_party
from assistant.intent import Intent, Parties, Refusal, join_words, lit
from assistant.kinds.frame import ASKS_FOR_STATES, NUMBER_WORDS, Context, Frame, number
from assistant.wording import filter_words

KIND = "threshold"
EXAMPLES = ("Which states have signed more than 20 agreements?", "Which NATO allies have fewer than 10 agreements?",
            "How many states have more than 5 partners?", "Countries with at least 10 agreements since 2022")
OPS = {"more than": ">", "more then": ">", "fewer then": "<", "less then": "<", "over": ">", "above": ">", "greater than": ">", "in excess of": ">", "upwards of": ">",
       "at least": ">=", "a minimum of": ">=", "no fewer than": ">=", "no less than": ">=", "not less than": ">=",
       "fewer than": "<", "less than": "<", "under": "<", "below": "<", "at most": "<=", "no more than": "<=",
       "not more than": "<=", "a maximum of": "<=", "exactly": "="}
SAID = {">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most", "=": "exactly"}
NUM = r"(\d{1,4}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
COUNTED = r"(?P<middle>(?:[a-z&\-]+ ){0,2}?)(?P<counted>agreem\w*|deals?|pacts?|" \
          r"accords?|treaties|arrangements|documents|partnerships|partners?|partner states|partner countries)"
OP = "|".join(sorted(OPS, key=len, reverse=True))
BOUND = re.compile(rf"\b(?:(?P<op>{OP}) (?P<n>{NUM[1:-1]})(?P<more> or more| or fewer| or less)?|"
                   rf"(?P<n2>{NUM[1:-1]})(?P<or> or more| or fewer| or less))"
                   rf"(?: {COUNTED})?\b")

SIGNED_BEFORE = re.compile(r"\b(?:signed|concluded|inked|sign|conclude)\s+$")


def recognise(text: str, context: Context) -> Frame | None:
    m = BOUND.search(text)
    if not m:
        return None
    counted = m["counted"] or ""
    previous = context.previous
    edit = previous is not None and previous.kind == KIND
    if not counted and not edit and not SIGNED_BEFORE.search(text[: m.start()]):
        return None  # ("which states have signed fewer than five?": the verb says what is counted)
    # Words between the number and the noun ("fewer than two cyber agreements") still filter the agreements.
    rest = (text[: m.start()] + " " + (m["middle"] or "") + " " + text[m.end():]).strip()
    if not edit and not ASKS_FOR_STATES.search(rest):
        return None
    if m["op"]:
        op, n = OPS[m["op"]], number(m["n"])
        if m["more"]:
            op = ">=" if "more" in m["more"] else "<="
    else:
        op, n = (">=" if "more" in m["or"] else "<="), number(m["n2"])
    metric = "partners" if counted.startswith("partner") and counted != "partnerships" else "agreements"
    if edit and not counted:
        metric = previous.metric
    return Frame(KIND, rest, {"op": op, "value": n, "metric": metric, "count": bool(re.search(r"\bhow many\b", rest)),
                              "edit": edit})


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    s = frame.settings
    filters = list(base.filters)
    restrict, label = base.restrict, base.restrict_label
    for f in list(filters):  # "Which NATO allies ...": a group names the states to compare, not the agreements
        if isinstance(f, Parties) and len(f.codes) > 1 and f.mode == "any" and not restrict:
            restrict, label = f.codes, f.label
            filters.remove(f)
    previous = context.previous
    if s["edit"] and previous is not None:  # "what about at least 25?": the last threshold, another bound
        slots = {f.slot for f in filters}
        filters = [f for f in previous.filters if f.slot not in slots] + filters
        restrict, label = restrict or previous.restrict, label or previous.restrict_label
    return Intent(kind=KIND, filters=tuple(filters), restrict=restrict, restrict_label=label, metric=s["metric"],
                  op=s["op"], value=s["value"], count_rows=s["count"], notes=base.notes)


def _named_states(intent: Intent) -> tuple[str, ...]:
    return tuple(c for f in intent.filters if isinstance(f, Parties) and f.mode != "only" for c in f.codes)


def sql(intent: Intent) -> exp.Select:
    if intent.metric == "partners":
        links = exp.select("s.code", "unnest(list_filter(s.parties, lambda x: x <> s.code)) AS partner",
                           dialect="duckdb").from_(per_party(intent).subquery("s"))
        counted = exp.select("l.code", "count(DISTINCT l.partner) AS n").from_(links.subquery("l")).group_by("l.code")
    else:
        counted = exp.select("s.code", "count(*) AS n").from_(per_party(intent).subquery("s")).group_by("s.code")
    n = exp.func("coalesce", exp.column("n", "s"), exp.Literal.number(0))
    ops = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE, "=": exp.EQ}
    q = exp.select("c.name AS country", "c.code AS code", exp.alias_(n, intent.metric)) \
        .from_("countries AS c").join(counted.subquery("s"), on="s.code = c.code", join_type="left") \
        .where(ops[intent.op](this=n.copy(), expression=lit(int(intent.value))))
    if intent.restrict:
        q = q.where(in_codes("c.code", intent.restrict))
    named = _named_states(intent)
    if named:  # "states with more than 3 agreements with France": France itself is not one of the rows
        q = q.where(exp.not_(in_codes("c.code", named)))
    return q.order_by(f"{intent.metric} DESC", "country")


def _bound(intent: Intent) -> str:
    if (intent.op, intent.value) in (("<", 1), ("=", 0), ("<=", 0)):
        return "no partner states" if intent.metric == "partners" else "no agreements"
    return f"{SAID[intent.op]} {intent.value} {'partner states' if intent.metric == 'partners' else 'agreements'}"


def interpretation(v, intent: Intent) -> str:
    among = f" among {intent.restrict_label}" if intent.restrict_label else ""
    zeros = " (states with none included)" if intent.op in ("<", "<=") or (intent.op == "=" and intent.value == 0) else ""
    what = "How many states" if intent.count_rows else "The states"
    return f"{what}{among} with {_bound(intent)}{zeros}, counting agreements {filter_words(v, intent)}."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    among = f" of {intent.restrict_label}" if intent.restrict_label else ""
    scope = f" (agreements {filter_words(v, intent)})" if intent.filters else ""
    if not rows:
        return f"No state{among} has {_bound(intent)}{scope}."
    states = "state" if len(rows) == 1 else "states"
    listed = join_words([f"{r[0]} ({r[2]})" for r in rows[:30]])
    return f"{len(rows)} {states}{among} {'has' if len(rows) == 1 else 'have'} {_bound(intent)}{scope}: {listed}."
