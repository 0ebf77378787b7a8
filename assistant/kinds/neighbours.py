"""Gaps between neighbours, in the brief's words ("identify gaps"): pairs of states that share a land border and
have no agreement together (as the Monitor page finds them, assistant/monitor.py).

    Which neighbours have no agreement with each other?
    neighbouring states without a defence agreement since 2022
    does Poland have neighbours it has no agreement with?

Neighbours are the states whose boundaries touch on the map the app draws (data/europe.geojson); an
agreement together counts whatever its size (bilateral or within a larger group).
"""

from __future__ import annotations

import re
from functools import cache

from sqlglot import exp

from assistant.build_sql import filtered
from assistant.charts import europe
from assistant.intent import Intent, Parties, join_words, lit
from assistant.kinds.frame import Context, Frame
from assistant.monitor import land_neighbours
from assistant.wording import filter_words

KIND = "neighbours"
EXAMPLES = ("Which neighbours have no agreement with each other?", "neighbouring states without an agreement since 2022")
WORDS = ("neighbours", "neighbouring", "bordering")
CUE = re.compile(r"\b(?:neighbou?rs?|neighbou?ring(?: states| countries)?|bordering (?:states|countries)|share a border|"
                 r"sharing a border|border each other)\b")
NONE = re.compile(r"\b(?:no|without|never|lack|lacking|missing|not signed|haven't signed|have not signed|none)\b")


def recognise(text: str, context: Context) -> Frame | None:
    if not CUE.search(text) or not NONE.search(text):
        return None
    rest = NONE.sub(" ", CUE.sub(" ", text))
    rest = re.sub(r"\b(?:with each other|each other|one another|together|between them|agreements?|deals?|pacts?)\b",
                  " ", rest)
    return Frame(KIND, rest + " agreements", {})


@cache
def _bordering(codes: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The pairs of bordering states, worked out from the map once per process (~12 ms), as charts.europe reads it."""
    return land_neighbours(europe(), set(codes))


def make(frame: Frame, base: Intent, context: Context) -> Intent:
    named = tuple(c for f in base.filters if isinstance(f, Parties) for c in f.codes)
    others = tuple(f for f in base.filters if not isinstance(f, Parties))
    pairs = _bordering(frozenset(context.v.names))
    if named:  # "Poland's neighbours with no agreement": the pairs that include Poland
        pairs = tuple(p for p in pairs if set(p) & set(named))
    return Intent(kind=KIND, filters=others, pairs=tuple(f"{a}-{b}" for a, b in pairs), restrict=named,
                  restrict_label=context.v.name_list(named) if named else "", notes=base.notes)


def sql(intent: Intent) -> exp.Select:
    together = filtered(exp.select("1").from_("agreements AS a"), intent).where(
        "list_contains(a.parties, n.state_a) AND list_contains(a.parties, n.state_b)")
    rows = [exp.Tuple(expressions=[lit(p[:2]), lit(p[3:])]) for p in intent.pairs] or \
        [exp.Tuple(expressions=[lit(""), lit("")])]
    pairs = exp.Values(expressions=rows, alias=exp.TableAlias(this=exp.to_identifier("n"), columns=[
        exp.to_identifier("state_a"), exp.to_identifier("state_b")]))
    return exp.select("n.state_a", "n.state_b").from_(pairs).where(
        exp.and_(exp.column("state_a", "n").neq(lit("")), exp.not_(exp.Exists(this=together)))).order_by(
        "n.state_a", "n.state_b")


def interpretation(v, intent: Intent) -> str:
    whose = f" of {intent.restrict_label}" if intent.restrict else ""
    return f"Pairs of neighbouring states{whose} (a shared land border on the app's map) with no agreement together, " \
           f"counting agreements {filter_words(v, intent)} (bilateral or in a larger group)."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    whose = f" of {intent.restrict_label}" if intent.restrict else ""
    if not rows:
        return f"Every pair of neighbouring states{whose} has at least one agreement together " \
               f"{filter_words(v, intent)}."
    pairs = join_words([f"{v.names[a]}–{v.names[b]}" for a, b in rows[:10]])
    more = f" and {row_count - 10} more" if row_count > 10 else ""
    return f"{row_count} pair{'s' if row_count != 1 else ''} of neighbouring states{whose} have no agreement together " \
           f"{filter_words(v, intent)}: {pairs}{more}."
