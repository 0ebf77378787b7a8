"""What the words of a question found -> one Intent: the reading rules of SEMANTICS.md in one place.

Kinds, in the order they are recognised:
    share       "What share of France's agreements are bilateral?"
    detail      "Tell me about the Treaty of Nancy"
    never       "Which states has Austria never signed with?"
    partners    "Who are Slovakia's partners?", "How many partners does Malta have?", "France's top partner"
    first/latest "Latvia's first agreement", "the 3 most recent deals"
    rank        "Top 5 countries since 2022", "Which year saw the most agreements?"
    breakdown   "Agreements per year by form", "How many did each Nordic state sign?"
    count/list  "How many agreements did Spain sign after 2020?", "Which deals include Denmark?"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.data import FORMS
from assistant.edits import ITS_STATES
from assistant.intent import (
    OTHER_STATES,
    Excluding,
    Form,
    Intent,
    MutualDefence,
    Named,
    Parties,
    PartyCount,
    Refusal,
    Scope,
    Text,
    Topic,
    ordered,
)
from assistant.kinds import KINDS
from assistant.parse_time import NUMBER_WORDS

ONLY_AMONG = re.compile(r"\b((?:just|only) (?:the )?(?:two|three|four|five|2|3|4|5) of them|no outsiders?(?: on board)?|no one else|nobody else|among (?:the )?[\w\s-]{0,40}themselves|(?:only|solely|exclusively) (?:among|between|within|by)|(?:members|states|countries|nations) only|"
                        r"only (?:the )?(?:nordic|baltic|benelux|visegrad|v4|neutral|eu|nato|non-eu|non-nato)|exclusively|among themselves|between themselves|"
                        r"purely|just among|just between|solely|entirely within|within the group|inside the)\b")
TOGETHER = re.compile(r"\b(?:all together|together|jointly|all of them together|between (?:all )?(?:the )?(?:three|four|them))\b")
INVOLVING = re.compile(r"\b(involv|includ|featur|concern)\w*\b")  # "the neutral states' deals involving the UK"
RANK_ALL = {"rank", "ranked", "ranking", "sort", "sorted", "order"}
COUNTRY_ROW_KINDS = ("partners", "never")
STRONG_BEFORE = ("list", "count", "rank_most", "rank_least", "each")


def _unique(items):
    return list(dict.fromkeys(items))


def _dimensions(f, countries, groups) -> list[str]:
    """Breakdown dimensions named in the question, time first. "country" counts only when it is asked
    about ("which countries", "top 5 states", "per state", "who"), not in "states of Northern Europe"."""
    dims = []
    for pos, d in f.dims:
        if d == "country":
            near = any(m in STRONG_BEFORE and 0 <= pos - p <= 3 for p, m in f.measures)
            who = f.words[pos] in ("who",) if pos < len(f.words) else False
            per = any(w in ("per", "by", "each", "every") for w in f.words[max(0, pos - 2):pos])
            of_a_place = pos + 1 < len(f.words) and f.words[pos + 1] in ("of", "in", "from")
            if of_a_place or not (near or who or per):
                continue
        if d == "topic" and f.topics and 0 < pos < len(f.words) and f.words[pos] == "topic" and \
                f.words[pos - 1] not in ("per", "by", "each", "every", "across", "which", "what", "the", "a", "an",
                                         "one", "any", "this", "that", "same", "its", "their", "main"):
            continue  # "have a ukraine_support topic": the topic just named, not a breakdown by topic
        if d not in dims:
            dims.append(d)
    if f.has("each") and not dims and (len(countries) > 1 or groups or not countries):
        dims.append("country")
    for pos, _key, noun in groups:  # "which EU states ...": the group's states are the rows
        if noun and any(m in ("list", "count") and 0 <= pos - p <= 2 for p, m in f.measures) and "country" not in dims:
            dims.append("country")
    return sorted(dims, key=lambda d: d not in ("year", "month"))


@dataclass
class Draft:
    """The working reading of one question inside assemble(): made at its start, changed by its steps in order,
    and dropped at its end (never shared, never kept). Each step reads and sets the fields it names."""

    f: Any  # the parser's _Found: what the words mentioned
    text: str
    previous: Intent | None
    mode: str | None  # None (a question of its own), "narrow", "replace", "orphan"
    n: int | None
    time_filters: list
    notes: list[str] = field(default_factory=list)
    referred: tuple[str, ...] = ()  # states of the last answer that "its / their" stand for
    countries: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    groups: list = field(default_factory=list)
    excluded_groups: list[str] = field(default_factory=list)
    dims: list[str] = field(default_factory=list)
    kind: str | None = None
    metric: str = "agreements"
    count_rows: bool = False
    focus: tuple[str, ...] = ()
    filters: list = field(default_factory=list)
    restrict: tuple[str, ...] = ()
    restrict_label: str = ""
    row_kinds: bool = False
    chart: str | None = None
    has_own_kind: bool = False

    @property
    def rank_most(self) -> bool:
        return self.f.has("rank_most")

    @property
    def rank_least(self) -> bool:
        return self.f.has("rank_least")

    @property
    def named(self) -> bool:
        return any(isinstance(x, Named) for x in self.time_filters)


def assemble(parser, f, time_filters, n, previous, mode, text):
    """The words found -> one Intent (or a Refusal), in steps: states, kind, filters, then the follow-up or the
    question of its own. A step returns an answer to stop early, or None to go on."""
    d = _draft(parser.v, f, time_filters, n, previous, mode, text)
    for step in (_kind_of, _focus_of, _each_of_last, _several_states, _one_state, _groups_and_exclusions,
                 _attributes, _view_and_references, _follow_on, _orphan):
        done = step(parser.v, d) if step is not _attributes else step(parser, d)
        if done is not None:
            return done
    return _own_question(parser.v, d)


def _draft(v, f, time_filters, n, previous, mode, text) -> Draft:
    """The states and groups named, with what joins them; "its / their" read as the last answer's states."""
    if mode == "narrow?":  # "show me only the strategic partnerships" narrows; "only Spain's deals" is a new question
        mode = None if (f.countries or f.groups) and f.agreement_word else "narrow"
    if previous is None and mode and mode != "orphan":
        mode = None
    # "its agreements", "their deals": the states the last answer named.
    referred = previous.cited_states if previous is not None and mode and re.search(
        r"\b(its|their|those two|these two|the two|both of them|they)\b", text) \
        and not f.has("partners") and not f.has("never") else ()
    its_states = previous is not None and len(previous.cited) == 1 and ITS_STATES.search(text)
    if its_states and not referred and mode:
        # "list all agreements between those two countries" after one agreement: its parties, a question of its own
        parties = v.parties_of.get(previous.cited[0], ())
        if len(parties) == NUMBER_WORDS.get(its_states[1] or "two"):
            referred, previous, mode = parties, None, None
    if referred and previous is not None and previous.restrict and set(referred) <= set(previous.restrict):
        referred = ()  # "only their agreements with Ukraine" after "each Nordic state": the same rows, narrowed
    if referred and re.search(r"\b(overall|in total|altogether|in all|all told|whole dataset|all time)\b", text):
        previous, mode = None, None  # "How many have those two signed together overall?": a fresh count of them
    excluded_at = [p for p, m in f.measures if m == "exclude"]

    def is_excluded(pos):
        return any(0 < pos - e <= 3 for e in excluded_at)

    countries = _unique([*referred, *(c for p, c in f.countries if not is_excluded(p))])
    groups = [(p, g, noun) for p, g, noun in f.groups if not is_excluded(p)]
    return Draft(f=f, text=text, previous=previous, mode=mode, n=n, time_filters=list(time_filters),
                 referred=referred, countries=countries,
                 excluded=_unique(c for p, c in f.countries if is_excluded(p)), groups=groups,
                 excluded_groups=[g for p, g, _ in f.groups if is_excluded(p)],
                 dims=_dimensions(f, countries, groups), filters=list(time_filters))


def _kind_of(v, d: Draft) -> Refusal | None:
    """The kind of question, from its measures, dimensions and the agreement just shown."""
    f, previous, text = d.f, d.previous, d.text
    # "when was it signed and what kind of document is it?": one agreement just shown, in full.
    if _partners_qualify(f, text):  # "Polish agreements with Eastern European partners": agreements are asked
        f.measures = [(p, m) for p, m in f.measures if m != "partners"]
    referent = previous is not None and len(previous.cited) == 1 and \
        re.search(r"\b(it|that one|this one|that agreement|this agreement)\b", text)
    if f.has("detail") and not (f.has("first") or f.has("latest")) and \
            (f.texts or d.named or referent or not (d.countries or d.groups or d.dims)) or \
            referent and d.dims and "country" not in d.dims:  # "what topics does it cover?": the agreement in full
        d.kind = "detail"
    elif f.has("never"):
        d.kind = "never"
    elif f.has("connected"):
        d.kind, d.metric, d.dims = "rank", "partners", ["country"]
    elif f.has("partners") and (d.countries or d.groups or (previous is not None and
                                                            (previous.focus or _single_party(previous)))):
        d.kind = "partners"
        if (d.rank_most or d.rank_least or d.n) and not any(w in RANK_ALL for w in f.words):
            d.n = d.n or 1  # "France's top partner"; "rank Ukraine's partners" lists them all, in order
        d.count_rows = f.has("count")
    elif f.has("partners") and (d.rank_most or d.rank_least):
        d.kind, d.metric, d.dims = "rank", "partners", ["country"]
    elif f.has("partners"):
        return Refusal("clarify", "Whose partners do you mean?", "a question about partners without a state",
                       ("Who are Slovakia's partners?", "Who are France's partners?",
                        "Which country has the most partners?"))
    elif f.has("first") or f.has("latest"):
        d.kind = "first" if f.has("first") else "latest"
    elif d.rank_most or d.rank_least:
        d.kind = "rank"
        d.dims = d.dims or ["country"]
    elif d.dims:
        d.kind = "breakdown"
    elif f.has("count"):
        d.kind = "count"
    elif f.has("list") or f.agreement_word:
        d.kind = "list"
    # A country breakdown of one state's agreements is that state's partners.
    country_rows = d.kind in ("rank", "breakdown") and d.dims == ["country"] and not f.has("each")
    if country_rows and len(d.countries) == 1 and d.metric == "agreements":
        d.kind = "partners"
        if d.rank_most or d.rank_least:
            d.n = d.n or 1
        d.count_rows = f.has("count") and not (d.rank_most or d.rank_least)
    elif country_rows and f.has("count") and not (d.rank_most or d.rank_least):
        d.count_rows = True
    return None


THERE = re.compile(r"\b(?:there|in (?:that|this|the same) (?:region|group|area|bloc))\b")
AGREEMENT_NOUN = re.compile(r"agreements?|deals?|pacts?|accords?|treaties|treaty|arrangements?|partnerships?")
PARTNERS_ASKED = re.compile(r"\b(?:how many|which|what|who|whom|list|name|number of|count)\b(?:\s+\w+){0,2}?\s+partners?\b|"
                            r"\bwho\b|\bwhom\b")


def _partners_qualify(f, text: str) -> bool:
    """'partners' after the agreements asked for describes them ("How many agreements has Spain signed, all
    partners?", "agreements with Eastern European partners"); "agreement partners", "which partners" ask for them."""
    if not f.has("partners") or not f.agreement_word or PARTNERS_ASKED.search(text):
        return False
    nouns = [i for i, w in enumerate(f.words) if AGREEMENT_NOUN.fullmatch(w)]
    return bool(nouns) and nouns[0] < f.pos("partners") - 1


def _focus_of(v, d: Draft) -> Refusal | None:
    """Partners and never-signed-with questions are about one state (or group): the focus."""
    if d.kind not in COUNTRY_ROW_KINDS:
        return None
    previous = d.previous
    if d.countries:
        d.focus, d.countries = (d.countries[0],), d.countries[1:]
    elif d.groups and previous is not None and d.mode and re.search(r"\b(it|its|it's|they|their)\b", d.text) and \
            (previous.focus or _single_party(previous)):
        d.focus = previous.focus or _single_party(previous)  # "which EU states has it got no agreement with?"
    elif d.groups:
        _pos, key, _ = d.groups.pop(0)
        d.focus = v.groups[key].members
    elif previous is not None and (previous.focus or _single_party(previous)):
        d.focus = previous.focus or _single_party(previous)  # "Who are its partners?", "With which partners?"
        d.mode = d.mode or "narrow"  # ... of the agreements just discussed (their period, topic, ...)
    else:
        return Refusal("clarify", "Which state do you mean?", "a question about one state's ties without the state",
                       ("Which states has Austria never signed with?", "Who are Malta's partners?"))
    return None


def _each_of_last(v, d: Draft) -> None:
    """'And for each member?', 'How many for each of the three?': the last question's group, state by state."""
    d.row_kinds = d.kind in COUNTRY_ROW_KINDS or (d.kind in ("rank", "breakdown") and
                                                  ("country" in d.dims or "pair" in d.dims))
    members_asked = d.f.has("each") or (d.row_kinds and THERE.search(d.text))  # "top 3 countries there"
    if d.previous is not None and (d.mode or not d.f.agreement_word) and members_asked and not d.countries and \
            not d.groups:
        group = next((x for x in d.previous.filters if isinstance(x, Parties) and len(x.codes) > 1), None)
        if group:
            d.restrict, d.restrict_label = group.codes, group.label
            d.kind = d.kind if d.kind in ("rank", "breakdown") else "breakdown"
            d.dims, d.row_kinds = ["country"], True


def _several_states(v, d: Draft) -> Refusal | None:
    """Several states: together (between / with / and ... together), either, or each — else ask which."""
    if len(d.countries) < 2:
        return None
    f, countries, previous = d.f, d.countries, d.previous
    positions = [p for p, c in f.countries if c in countries] or [0]
    lo, hi = min(positions), max(positions)
    between = f.words[lo:hi + 1]
    lo = 0 if d.referred else lo
    joined = bool(d.referred) or f.has("both") or "with" in between or "between" in f.words[max(0, lo - 3):lo] \
        or bool(INVOLVING.search(" ".join(between))) or bool(SIGNED_BY_BOTH.search(d.text)) \
        or (len(countries) == 2 and hi - lo == 1) \
        or (previous is not None and d.mode == "replace" and len(countries) == 2 and any(
            isinstance(x, Parties) and x.mode == "all" and len(x.codes) == 2 for x in previous.filters)) \
        or (len(countries) == 2 and f.scopes == ["bilateral"]) \
        or f.joint or d.kind in ("first", "latest")  # "joint declarations of A and B", "when did A and B first sign"
    joined = joined or bool(TOGETHER.search(d.text))
    if ONLY_AMONG.search(d.text) and not f.has("each") and d.kind not in COUNTRY_ROW_KINDS:
        # "Estonia, Latvia and Lithuania … only among themselves": every party one of them
        d.filters.append(Parties(tuple(countries), "only", v.name_list(countries)))
    elif f.has("each") or (d.kind in ("rank", "breakdown") and not joined and not f.has("either")):
        d.restrict, d.restrict_label = tuple(sorted(countries)), v.name_list(countries)
        if "country" not in d.dims:
            d.dims = ["country", *d.dims] if d.kind == "breakdown" else ["country"]
        d.kind = d.kind if d.kind in ("rank", "breakdown") else "breakdown"
        d.row_kinds = True
    elif "or" in between or "either" in f.words or (f.has("either") and not (f.topics or f.forms)):
        # "German or Dutch agreements"; the 'or' of "joint units or exercises" joins topics, not the states
        d.filters.append(Parties(tuple(countries), "any", v.name_list(countries).replace(" and ", " or ")))
    elif joined and d.kind not in COUNTRY_ROW_KINDS:
        d.filters.append(Parties(tuple(countries), "all", v.name_list(countries)))
    elif d.kind in COUNTRY_ROW_KINDS:
        d.restrict, d.restrict_label = tuple(sorted(countries)), v.name_list(countries)
    else:
        names = v.name_list(countries)
        return Refusal(
            "clarify",
            f"Do you mean agreements that {names} signed together, or each state's agreements?",
            f"a question naming {names} without saying whether together or each",
            (f"How many agreements did {names} sign together?",
             f"How many agreements did each of {names} sign?",
             f"Agreements involving {names.replace(' and ', ' or ')}"))
    return None


def _one_state(v, d: Draft) -> Refusal | None:
    """One state: its agreements — and with a group beside it, ask whether together or each."""
    if len(d.countries) != 1:
        return None
    f, code = d.f, d.countries[0]
    d.filters.append(Parties((code,), "any", v.prose_name(code)))
    if d.groups and d.kind in ("count", "list", None) and not (
            f.has("both") or f.has("either") or "with" in f.words or "between" in f.words
            or ONLY_AMONG.search(d.text) or INVOLVING.search(d.text)):
        named = [v.groups[key].label.split(" (")[0] for _pos, key, _noun in d.groups]
        label = f"{', '.join(named)} and {v.prose_name(code)}"
        return Refusal("clarify", f"Do you mean agreements that {label} signed together, or each one's agreements?",
                       f"a question naming {label} without saying whether together or each",
                       (f"How many agreements did {label} sign together?",
                        f"How many agreements did each of {label} sign?"))
    return None


def _groups_and_exclusions(v, d: Draft) -> None:
    """Groups: the states whose rows are shown, or the agreements' parties (any / only); states left out."""
    only = bool(ONLY_AMONG.search(d.text))
    previous = d.previous
    if only and previous is not None and d.mode and previous.restrict and not d.countries and not d.groups and \
            re.search(r"\b(themselves|each other|one another|they|them)\b", d.text):
        # "Only the ones they signed among themselves" after each V4 member's figure: agreements among those states
        d.filters.append(Parties(previous.restrict, "only", previous.restrict_label))
        d.kind, d.dims = "list", []
        d.restrict, d.restrict_label = (), ""
    together = [x for x in previous.filters if isinstance(x, Parties) and x.mode == "all" and len(x.codes) > 1] \
        if previous is not None else []
    if only and d.mode and together and not d.countries and not d.groups:
        # "only the ones where it was just the three of them" after France, Germany and Poland together
        d.filters.append(PartyCount("=", len(together[0].codes)))  # all of them, and no one else
    for _pos, key, noun in d.groups:
        g = v.groups[key]
        if key == "neutral":
            d.notes.append("'neutral' = Austria, Cyprus, Ireland and Malta (the EU states outside NATO)")
        if only:
            d.filters.append(Parties(g.members, "only", g.label))
        elif d.row_kinds and not d.restrict and (d.f.has("each") or d.kind in COUNTRY_ROW_KINDS or noun
                                                 or d.kind in ("rank", "breakdown")):
            d.restrict, d.restrict_label = g.members, g.label
        elif set(d.countries) & set(g.members) and "with" in d.f.words[max(0, _pos - 4):_pos]:
            # "Polish agreements with Eastern European partners": another member of the group than Poland
            named = [c for c in d.countries if c in g.members]
            others = tuple(c for c in g.members if c not in named)
            d.filters.append(Parties(others, "any", f"{g.label} other than {v.name_list(named)}"))
        else:
            d.filters.append(Parties(g.members, "any", g.label))
    for c in d.excluded:
        d.filters.append(Excluding((c,), v.prose_name(c)))
    for key in d.excluded_groups:
        d.filters.append(Excluding(v.groups[key].members, v.groups[key].label))


def _attributes(parser, d: Draft) -> Refusal | None:
    """Forms, topics, scope, the mutual defence clause and names: the agreements' own filters."""
    f, text = d.f, d.text
    forms = _unique(f.forms)
    contrast = CONTRAST.search(text)
    if forms and contrast and not f.treaty_word:
        # "MoUs or formal agreements rather than declarations": the forms after 'rather than' are left out
        left_out = set(parser._scan_text(text[contrast.end():]).forms)
        forms = [x for x in forms if x not in left_out] or [x for x in FORMS if x not in left_out]
    if f.treaty_word and forms and contrast and re.match(r"vs|versus", contrast[0]):
        # "letters of intent vs real treaties": the forms side by side, treaties as a kind
        forms = [*forms, "strategic partnership"]
        d.dims = [x for x in d.dims if x != "country"] + ["form"]
        d.kind, d.restrict, d.restrict_label = "breakdown", (), ""
        d.notes.append("'treaties' set against other forms = strategic partnerships")
        d.filters.append(Form(tuple(forms)))
        forms = []
    elif f.treaty_word and forms and contrast:
        # "treaties rather than declarations or MoUs": treaties as a kind, set against the other forms
        forms = ["strategic partnership"]
        d.notes.append("'treaties' set against other forms = strategic partnerships")
    if forms and "form" in d.dims:
        forms = []  # "by type of document (declarations, LoIs, MoUs)": the forms are examples of the breakdown
    if forms:
        d.filters.append(Form(tuple(forms)))
    elif f.treaty_word and d.kind != "detail" and not any(isinstance(x, Form) for x in d.filters):
        if re.search(r"\btreaties\b", text) and (not f.other_agreement_word or TREATIES_PREDICATED.search(text)) \
                and not ANY_KIND.search(text) and not f.texts and not d.named:
            # SEMANTICS.md: 'treaty' is a word for any agreement, but 'treaties' as a kind = strategic partnership
            # ("the Treaty of Nancy", "the Quirinal Treaty" name one agreement: no kind there)
            d.filters.append(Form(("strategic partnership",)))
            d.notes.append("'treaties' as a kind = strategic partnerships (treaties and formal partnerships); "
                           "ask for 'agreements' for every kind")
        else:
            d.notes.append("'treaty' is read as any agreement; ask for 'strategic partnerships' for treaties as a kind")
    d.filters.extend(Topic(t) for t in _unique(f.topics))
    scopes = _unique(f.scopes)
    if len(scopes) == 1:
        d.filters.append(Scope(scopes[0]))
    elif scopes and "scope" not in d.dims:
        d.dims.append("scope")
        d.kind = d.kind if d.kind in ("breakdown", "rank") else "breakdown"
    if f.mutual:
        d.filters.append(MutualDefence(True))
    for word in _unique(f.texts):
        # A name from the titles reads as the agreements it names, unless the question also asks for mentions.
        d.filters.append(Text(word, in_title=word in f.names and not MENTIONS.search(text)))
    d.chart = f.charts[0] if f.charts else None
    if d.chart in ("network", "heatmap") and d.kind in (None, "list", "count", "breakdown") and d.dims in ([], ["country"]):
        d.kind, d.dims = "breakdown", ["pair"]  # "the network of partnerships": pairs of states, drawn as a graph
    # A question with its own agreement noun and states ("Lithuania's agreements with Germany") asks anew.
    d.has_own_kind = d.kind is not None and bool(f.measures or d.dims or (f.agreement_word and d.countries
                                                                          and d.mode != "narrow"))
    if d.kind in COUNTRY_ROW_KINDS:
        d.dims = []
    return None


def _view_and_references(v, d: Draft) -> Intent | None:
    """A new view of the last answer, or a question about the rows or the agreement it showed."""
    previous, text, f = d.previous, d.text, d.f
    if previous is None:
        return None
    if d.chart and not d.filters and not d.dims and not d.focus:
        # "show them as a line chart": the same question, drawn differently.
        again = replace(previous, chart=d.chart)
        return replace(again, kind="list") if again.kind == "count" else again
    if d.mode is None and d.countries and not d.groups and not f.agreement_word and any(
            isinstance(x, Parties) and len(x.codes) > 1 and set(d.countries) <= set(x.codes) for x in previous.filters):
        d.mode = "narrow"  # "Show me Estonia's latest" after the Baltic states' air defence deals: within them
    subject = f.countries or f.groups or f.texts or f.forms or f.topics or f.scopes or f.mutual
    if d.mode is None and d.kind in ("first", "latest") and not subject and not d.time_filters:
        d.mode = "narrow"  # "Which was the first?": the first of the agreements just discussed
    if re.search(r"\b(other|else)\b", text) and d.dims == ["country"]:
        # "Which other countries signed them?", "Who else signed them?": the states not yet named
        named = {c for x in previous.filters if isinstance(x, Parties) and x.mode != "only" for c in x.codes}
        base = previous
        if previous.cited and previous.kind in ("first", "latest", "detail") and re.search(r"\b(it|that one)\b", text):
            base = previous.with_(filters=(Named("the agreement just shown", previous.cited),))  # "Who else signed it?"
        return _follow_up(base, "narrow", "breakdown", [x for x in d.filters if not isinstance(x, Parties)], (),
                          ["country"], None, "agreements", False, None, False, tuple(sorted(set(v.names) - named)),
                          OTHER_STATES, d.notes, others=True)
    if previous.cited and re.search(r"\bother(\s+[\w-]+){0,3}?\s+(agreements|deals|pacts|ones|"
                                    r"treaties|documents|arrangements)\b|\banything else\b", text):
        d.filters.append(Named("the agreements just shown", previous.cited, exclude=True))
        return Intent(kind=d.kind or "list", filters=ordered(d.filters), notes=tuple(d.notes))  # "which other agreements…"
    by_name = any(isinstance(x, (Text, Named)) for x in d.filters)
    if previous.cited and (previous.kind in ("first", "latest", "detail") or len(previous.cited) == 1) and d.mode and \
            re.search(r"\b(it|that agreement|this agreement|that one|this one)\b", text) and d.kind != "detail" and \
            not by_name:
        # "Who signed it?": a question about the agreement just shown — found by its id, so the last question's
        # filters have nothing to add (and must not turn "who signed it" into one state's partners).
        shown = [Named("the agreement just shown", previous.cited), *d.filters]
        if d.dims:
            return Intent(kind="breakdown", dims=tuple(d.dims[:2]), filters=ordered(shown), notes=tuple(d.notes))
        d.filters, d.mode = shown, None
    if d.kind == "detail" and previous.cited and d.mode and not by_name:
        # "Tell me more about it": the agreement(s) the last answer named.
        return Intent(kind="detail", filters=(Named("the agreement just shown", previous.cited),), notes=tuple(d.notes))
    return None


def _follow_on(v, d: Draft) -> Intent | None:
    """A follow-up ('Italy?', 'In 2021?', 'per year', 'which of these …'): an edit of the last Intent."""
    previous, f = d.previous, d.f
    if previous is None:
        return None
    elliptic = not d.has_own_kind and not f.agreement_word and bool(d.filters or d.chart or d.focus)  # "Italy?"
    elliptic = elliptic or bool(d.dims and not d.filters and not f.agreement_word and not f.has("count"))  # "per year"
    kind, has_own_kind = d.kind, d.has_own_kind
    if previous.kind in KINDS and d.mode and not d.dims and not any(
            m in ("count", "rank_most", "rank_least", "each", "partners", "never", "first", "latest", "share")
            for _, m in f.measures):
        # "What about just the Polish agreements since the invasion?" after an average: the same kind, new filters
        has_own_kind, elliptic, kind = False, True, None
    if not (d.mode or elliptic):
        return None
    with_partner = bool(d.countries) and "with" in f.words[:min(p for p, c in f.countries)] if f.countries else False
    return _follow_up(previous, d.mode, kind if has_own_kind else None, d.filters, d.focus, d.dims, d.n, d.metric,
                      d.count_rows, d.chart, d.rank_least, d.restrict, d.restrict_label, d.notes, with_partner,
                      text=d.text)


def _orphan(v, d: Draft) -> Refusal | None:
    """A question that leans on an earlier one, in a new conversation: ask who or what is meant."""
    if d.mode == "orphan" and d.f.has("each") and (d.countries or d.groups):
        d.mode = None  # "For each V4 country, how many has it signed?": 'it' is each of them
    if d.mode != "orphan":
        return None
    if not d.countries and not d.groups and not d.focus and not any(
            isinstance(x, (Parties, Text, Named)) for x in d.filters):  # "Lancaster House 2.0 - when was it signed?"
        return Refusal("clarify", "Who do you mean? There is no earlier question in this conversation; name the "
                       "states or agreements, e.g. 'How many agreements did France and Germany sign together?'",
                       "a question that refers back to an earlier one, in a new conversation",
                       tuple(v.suggestions["starter"][:3]), reason="orphan")
    if d.kind is None and d.filters:
        said = "; ".join(x.words() for x in d.filters)
        name = next((x.label for x in d.filters if isinstance(x, Parties)), None)
        options = (f"How many agreements did {name} sign?", f"Who are {name}'s partners?") if name else \
            ("How many agreements were signed per year?",)
        return Refusal("clarify", f"What would you like to know about agreements {said}? There is no earlier question "
                       "in this conversation to compare with.", "a follow-up without an earlier question", options)
    return None


def _own_question(v, d: Draft) -> Intent | Refusal:
    """A question of its own: its kind (a list when only filters were said), its defaults, its Intent."""
    f, kind, n = d.f, d.kind, d.n
    if kind is None:
        if not (d.filters or d.focus):
            return Refusal("unsupported", "I did not find a question about the agreements in that. "
                           "Ask, for example, about a country, a year, a kind of agreement or a topic.",
                           "I read this as something other than a question about the agreements.",
                           tuple(v.suggestions["starter"][:4]), reason="no_question")
        kind = "list"
    if kind == "detail" and not any(isinstance(x, (Text, Named)) for x in d.filters):
        return Refusal("clarify", "Which agreement do you mean? Name it, e.g. 'the Treaty of Nancy'.",
                       "a request for details without an agreement's name",
                       ("Tell me about the Treaty of Nancy", "Tell me about the Aachen Treaty"))
    if d.chart and kind == "count":
        kind = "list"
    if kind == "rank" and n is None and not (d.restrict and any(w in RANK_ALL for w in f.words)):
        # ("Rank Poland, Estonia and Romania by number of agreements": all of them, in order)
        n = 1
        if any(f.words[p].endswith("s") and f.words[p] not in ("parties", "signatories")
               for p, _ in f.dims if p < len(f.words)):
            n = 5
            d.notes.append("'the most' for several is read as the top 5")
    if kind in ("first", "latest") and n is None:
        n = 1
    return Intent(kind=kind, filters=ordered(d.filters), dims=tuple(d.dims[:2]), focus=d.focus,
                  focus_label=v.name_list(d.focus) if d.focus and len(d.focus) < 6 else _group_label(v, d.focus),
                  restrict=d.restrict, restrict_label=d.restrict_label, metric=d.metric, n=n,
                  ascending=d.rank_least and kind not in ("list", "count"), count_rows=d.count_rows, chart=d.chart,
                  notes=tuple(d.notes))


# "which of Germany's agreements are (actual) treaties?": treaties as what the agreements are, a kind
TREATIES_PREDICATED = re.compile(r"\b(?:are|were|is|as|be|being|count as|counts as|qualify as)(?: actual| real| proper| genuine|"
                                 r" formal| fully-fledged| full-fledged)? treaties\b")
CONTRAST = re.compile(r"\b(rather than|not|instead of|as opposed to|versus|vs|unlike|other than|excluding|except)\b")
ANY_KIND = re.compile(r"\b(of (any|all) (kinds?|types?|sorts?)|any kind|all kinds|any type|whatever (kind|type))\b")


def _rephrase(text: str, word: str) -> str:
    """The question with 'treaty/treaties' replaced, as a suggestion the user can click."""
    out = re.sub(r"\btreat(y|ies)\b", word, " ".join(text.split()))
    return out[:1].upper() + out[1:].rstrip(" ?") + "?"


def _single_party(intent: Intent) -> tuple[str, ...]:
    parties = [f for f in intent.filters if isinstance(f, Parties) and f.mode == "any" and len(f.codes) == 1]
    return parties[0].codes if len(parties) == 1 else ()


def _group_label(v, codes):
    for g in v.groups.values():
        if g.members == tuple(sorted(codes)):
            return g.label
    return v.name_list(codes) if codes else ""


NARROW_ADDS = ("country", "text", "topic")
# "What did Germany and Ukraine sign?", "what have Britain and Denmark signed": two states as one subject of 'sign'
SIGNED_BY_BOTH = re.compile(r"\b(?:what (?:did|have|has|had)|which (?:agreements|deals|pacts|accords|documents) (?:did|have|has|"
                            r"had)|everything|anything|all (?:that|the agreements?)) .+ and .+ "
                            r"(?:have |has |had )?(?:sign|signed|agree|"
                            r"agreed|conclude|concluded)\b")
MENTIONS = re.compile(r"\b(mention|mentions|mentioning|mentioned|refer|refers|referring|concern|concerns|"
                      r"concerning|regarding|cover|covers|covering|involv\w*|includ\w*)\b")
OF_THOSE = re.compile(r"\b(?:of|among|from|out of) (?:those|these|them)\b")


def _follow_up(prev: Intent, mode, kind, filters, focus, dims, n, metric, count_rows, chart, ascending,
               restrict, restrict_label, notes, with_partner=False, others=False, text="") -> Intent:
    """Lean on the previous intent: new filters replace those of the same slot ('What about Italy?'),
    or narrow it ('just the ones after 2020', 'which of these include Denmark?')."""
    if not filters and not focus and prev.kind in ("partners", "never", "breakdown", "rank"):
        if kind == "count":  # "How many are there?"
            return replace(prev, count_rows=True, notes=tuple(notes))
        if kind in ("list", "breakdown") and dims in ([], ["country"]) and prev.kind in COUNTRY_ROW_KINDS \
                and not restrict:  # "Who are they?"
            return replace(prev, count_rows=False, notes=tuple(notes))
    if kind == "rank" and n is None and prev.kind != "rank" and not RANK_ALL & set(re.findall(r"\w+", text)):
        n = 1  # "and who has the fewest?": one state (ties shown), as in a question of its own
    merged, share, new_focus, earlier = _merge(prev, filters, mode, kind, with_partner, text)
    if kind is not None and kind == prev.kind and not dims:  # "show the top 10": the same ranking, longer
        dims, metric = list(prev.dims), prev.metric
        restrict, restrict_label = restrict or prev.restrict, restrict_label or prev.restrict_label
    intent = prev if kind is None else Intent(kind=kind, dims=tuple(dims[:2]), n=n, metric=metric,
                                               count_rows=count_rows, ascending=ascending, focus=prev.focus,
                                               focus_label=prev.focus_label)
    if focus:
        new_focus = focus
        # "With which partners?" after "Czechia since 2022": Czechia becomes the focus, no longer a filter.
        merged = [g for g in merged if not (isinstance(g, Parties) and g.codes == tuple(focus))]
    if kind in ("list", "count", "first", "latest") and prev.kind in COUNTRY_ROW_KINDS:
        # "which of these include Denmark?" after a partners question: list that state's agreements.
        merged = [Parties(prev.focus, "any", prev.focus_label), *merged]
        new_focus = ()
    if kind in ("first", "latest") and intent.n is None:
        intent = replace(intent, n=1)
    result = replace(intent, filters=ordered(merged), share=tuple(share) if intent.kind == "share" else intent.share,
                     focus=new_focus,
                     focus_label=prev.focus_label if new_focus == prev.focus else "",
                     restrict=restrict or intent.restrict, restrict_label=restrict_label or intent.restrict_label,
                     chart=chart or (None if kind else prev.chart), notes=tuple(notes), earlier_states=earlier)
    if chart and result.kind == "count":
        result = replace(result, kind="list")
    return _settle(result, prev, kind, filters, others, text)


def _merge(prev: Intent, filters, mode, kind, with_partner, text):
    """Each new filter into the last question's: a state joins or replaces the one in its role, a narrowing
    adds, anything else replaces the filter of its slot. Returns the filters, the share's part, the focus and
    the states replaced on the way."""
    merged, share, new_focus, earlier = list(prev.filters), list(prev.share), prev.focus, prev.earlier_states
    if any(isinstance(f, Parties) for f in filters) and (mode != "narrow" or prev.kind == "detail"):
        # "Now Malta's agreements" after a row of Ireland's shown in detail: the shown row is not a filter to keep
        merged = [g for g in merged if not (isinstance(g, Named) and not g.exclude)]
    for f in filters:
        if prev.kind == "share" and kind is None and any(g.slot == f.slot for g in share) and \
                not any(g.slot == f.slot for g in merged):  # "And Lithuania's?" replaces the base when it has a state
            share = [g for g in share if g.slot != f.slot] + [f]
            continue
        joined = _with_partner(merged, f, mode, with_partner)
        if joined is not None:
            merged = joined
            continue
        if prev.kind in COUNTRY_ROW_KINDS and isinstance(f, Parties) and f.slot == "country" and kind is None \
                and f.mode != "only" and len(f.codes) < 6:
            new_focus = f.codes
            continue
        states = [g for g in merged if isinstance(g, Parties)]
        if mode == "replace" and isinstance(f, Parties) and len(states) > 1 and len(f.codes) == 1:
            # "How about Greece?" after "the neutral states ... involving France": Greece takes France's place.
            merged = [g for g in merged if g is not states[-1]] + [f]
        elif isinstance(f, Parties) and len(f.codes) > 1 and any(
                isinstance(g, Parties) and g.mode == "only" and not set(f.codes) <= set(g.codes) for g in merged):
            # "baltics only, since the invasion?" after the Nordics among themselves: the Baltics among themselves
            merged = [g for g in merged if g.slot != f.slot] + [replace(f, mode="only")]
        elif mode == "narrow" and (f.slot in NARROW_ADDS or f.slot == "time" and OF_THOSE.search(text)):
            # "how many of those came after the invasion?": both times hold (of the rows just counted)
            same = [g for g in merged if isinstance(g, Parties) and isinstance(f, Parties) and g.codes == f.codes]
            merged = [g for g in merged if g not in same] + [f]
        else:
            if isinstance(f, Parties) and f.mode == "any" and len(f.codes) > 1 and not INVOLVING.search(text) and any(
                    isinstance(g, Parties) and g.mode == "only" for g in merged):
                f = replace(f, mode="only")  # "And the Baltics?" after the Nordics among themselves: among themselves
            earlier += tuple(c for g in merged if isinstance(g, Parties) and g.slot == f.slot == "country"
                             and len(g.codes) == 1 for c in g.codes if c not in f.codes)
            merged = [g for g in merged if g.slot != f.slot] + [f]
    return merged, share, new_focus, earlier


def _with_partner(merged, f, mode, with_partner):
    """'and with Ukraine?': a state said after 'with' joins the one state (or pair) of the last question."""
    if not isinstance(f, Parties) or len(f.codes) != 1:
        return None
    one = next((g for g in merged if isinstance(g, Parties) and g.mode == "any" and len(g.codes) == 1), None)
    if one and f.codes == one.codes:
        return merged  # "… with Ukraine" after Ukraine's agreements: the same state, already there
    if mode not in ("replace", None) or not with_partner:
        return None
    pair = next((g for g in merged if isinstance(g, Parties) and g.mode == "all" and len(g.codes) == 2), None)
    if pair:  # "and with Germany?" after France and Poland: the first state stays
        return [g for g in merged if g is not pair] + [Parties((pair.codes[0], f.codes[0]), "all",
                                                               f"{pair.label.split(' and ')[0]} and {f.label}")]
    if one:  # "Poland since 2022" then "and with Ukraine?": Poland's agreements with Ukraine
        return [g for g in merged if g is not one] + [Parties((one.codes[0], f.codes[0]), "all",
                                                              f"{one.label} and {f.label}")]
    return None


def _settle(result: Intent, prev: Intent, kind, filters, others, text) -> Intent:
    """What the edited question has become: one state's country rows are its partners; 'the ones' and a
    filter on the breakdown's own dimension make a list."""
    states = [g for g in result.filters if isinstance(g, Parties) and g.mode == "any" and len(g.codes) == 1]
    if result.kind in ("breakdown", "rank") and result.dims == ("country",) and result.metric == "agreements" \
            and not others:
        if prev.kind == "partners" and prev.focus and not states:  # "Which of them has it signed the most with?"
            result = replace(result, kind="partners", focus=prev.focus, focus_label=prev.focus_label, dims=(),
                             n=(result.n or 1) if result.kind == "rank" else None)
        elif len(states) == 1:  # "Which countries were those with?" after Hungary's agreements
            result = replace(result, kind="partners", focus=states[0].codes, focus_label=states[0].label, dims=(),
                             filters=tuple(g for g in result.filters if g is not states[0]),
                             n=(result.n or 1) if result.kind == "rank" else None)
    if result.kind in ("breakdown", "rank") and kind is None and filters and re.search(r"\b(the|those) ones\b", text):
        result = replace(result, kind="list", dims=(), n=None)  # "only the ones among the Baltic states themselves"
    slots_of_dims = {"form": "form", "topic": "topic", "scope": "scope", "year": "time", "month": "time"}
    if result.kind == "breakdown" and len(result.dims) == 1 and kind is None and result.dims[0] not in ("year", "month") and \
            any(x.slot == slots_of_dims.get(result.dims[0]) for x in filters):
        result = replace(result, kind="list", dims=())  # "only the political declarations" of a per-form table
    return result
