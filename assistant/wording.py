"""Plain words for an intent (the interpretation) and for its result (the answer), from prompts/en/templates.yaml."""

from __future__ import annotations

import re

from assistant.data import TOPIC_LABELS
from assistant.intent import MONTHS, Form, Intent, Month, MutualDefence, Parties, Scope, Text, Topic, Years, join_words

DIM_WORDS = {"year": "year", "month": "month", "form": "form", "topic": "topic", "scope": "scope",
             "country": "state", "region": "region", "pair": "pair of states", "parties": "number of parties"}
DIM_PLURAL = {"year": "years", "month": "months", "form": "forms", "topic": "topics", "scope": "scopes",
              "country": "states", "region": "regions", "pair": "pairs of states", "parties": "party counts"}


def in_scope(v, intent: Intent) -> str:
    """'in the data' or 'in agreements signed in 2024': how counts of states and rows read naturally."""
    return f"in agreements {filter_words(v, intent)}" if intent.filters else "in the data"


def filter_words(v, intent: Intent, filters=None) -> str:
    parts = list(dict.fromkeys(f.words() for f in (intent.filters if filters is None else filters)))  # said once
    return ", ".join(parts) if parts else v.templates["all_agreements"]


def sentence(text: str) -> str:
    """A sentence starts with a capital, whatever the template put first ('the Netherlands has …')."""
    return text[:1].upper() + text[1:]


def possessive(name: str) -> str:
    """'France's', but 'the Netherlands'' (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# How a condition reads as what agreements do ("… of the 86 agreements involving France involve Germany"),
# not as a noun phrase tacked on ("are the ones involving Germany"). First match of the words' start wins.
PREDICATES = (("involving ", "involve "), ("with ", "have "), ("without ", "lack "), ("mentioning ", "mention "),
              ("signed by ", "were signed by "), ("signed ", "were signed "), ("only among ", "are only among "),
              ("named ", "are named "))


def predicate(words: str) -> str:
    for start, verb in PREDICATES:
        if words.startswith(start):
            return verb + words[len(start):]
    return "are " + words


TYPO = re.compile(r"^read '(?P<typed>[^']+)' as '(?P<read>[^']+)'$")


def changes(v, intent: Intent, question: str) -> list[str]:
    """What the reading changed in the question as typed, said under the answer's first line: a corrected
    typo ("read 'Swedn' as Sweden"), a word or phrase left out (a note that says so)."""
    out = []
    for note in intent.notes:
        m = TYPO.match(note)
        if m:
            typed = re.search(re.escape(m["typed"]), question, re.IGNORECASE)
            tags = v.lexicon.get((m["read"],), [])
            read = next((v.names[t.value] for t in tags if t.kind == "country" and t.value in v.names), m["read"])
            out.append(f"read “{typed[0] if typed else m['typed']}” as {read}")
        elif "left out" in note or "ignored" in note:
            out.append(note)
    return out


def _focus(v, intent: Intent) -> str:
    return intent.focus_label or v.name_list(intent.focus)



def interpretation(v, intent: Intent) -> str:
    t = v.templates["interpretation"]
    n = intent.n or 1
    ties = " (ties with the last place are shown too)" if intent.n else ""
    restrict = f", among {intent.restrict_label}" if intent.restrict_label else ""
    fields = dict(
        filters=filter_words(v, intent), dims=" and ".join(DIM_WORDS[d] for d in intent.dims) or "state",
        n_agreements="agreement" if n == 1 else f"{n} agreements", focus=_focus(v, intent) if intent.focus else "",
        focus_of=possessive(_focus(v, intent)) if intent.focus else "",
        top=("top " + str(n)) if n > 1 else "", most="fewest" if intent.ascending else "most",
        ties=ties, restrict=restrict, part=filter_words(v, intent, intent.share),
        order="oldest first" if intent.ascending else "newest first",
    )
    if intent.kind == "rank":
        key = "rank_partners" if intent.metric == "partners" else "rank"
        fields["dims"] = DIM_PLURAL[intent.dims[0]] if n > 1 or not intent.n else DIM_WORDS[intent.dims[0]]
        if not intent.n:
            key = "rank_all"
    elif intent.kind == "partners" and intent.n:
        key = "partners_top"
    elif intent.kind == "never":
        key = "never"
        fields["restrict"] = f"among {intent.restrict_label} " if intent.restrict_label else ""
    else:
        key = intent.kind
    text = " ".join(t[key].format(**fields).split())
    notes = list(intent.notes)
    for d in intent.dims:
        if d in v.templates["notes"]:
            notes.append(v.templates["notes"][d])
    if intent.count_rows:
        notes.append("the answer is the number of states")
    if notes:
        text = text.rstrip(".") + ". Note: " + "; ".join(dict.fromkeys(notes)) + "."
    return text


def _plural(n: int, word: str = "agreement") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _names(v, codes) -> str:
    return join_words([v.names.get(c, c) for c in codes])


def _named(intent: Intent) -> set[str]:
    """The states the question itself named: saying them again beside each agreement repeats the question."""
    return {c for f in intent.filters if isinstance(f, Parties) and not getattr(f, "exclude", False) for c in f.codes}


def _by(v, intent: Intent, codes, before: str = " by ") -> str:
    """' by France and Poland', or nothing where the question named exactly these parties already."""
    named = _named(intent)
    if set(codes) <= named:
        return ""
    if named & set(codes):  # the states asked about, and others: say only the others
        others = [c for c in codes if c not in named]
        return f"{before}{_names(v, others)} too" if before == " by " else f"{before}with {_names(v, others)} too"
    return f"{before}{_names(v, codes)}"


def _counted_list(rows, label_i, count_i, limit=8) -> str:
    items = [f"{r[label_i]} ({r[count_i]})" for r in rows[:limit]]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return ", ".join(items) + more


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    k = intent.kind
    fw = filter_words(v, intent)
    col = {c: i for i, c in enumerate(columns)}
    shown = f" The table cites the {len(rows)} most recent." if row_count > len(rows) else ""
    if k == "count":
        if row_count == 0:
            return f"There are no agreements {fw} in the data."
        return f"{_plural(row_count)} {fw}.{shown}"
    if k == "list":
        if not rows:
            return f"There are no agreements {fw} in the data."
        newest = rows[0]
        which = "oldest" if intent.ascending else "most recent"
        shown = shown.replace("most recent", "oldest") if intent.ascending else shown
        return (f"{_plural(row_count)} {fw}. The {which} is {newest[col['title']]} "
                f"({newest[col['signed_date']]}{_by(v, intent, newest[col['parties']], ', ')}).{shown}")
    if k in ("first", "latest"):
        if not rows:
            return f"There are no agreements {fw} in the data."
        which = "first" if k == "first" else "most recent"
        r = rows[0]
        if (intent.n or 1) == 1 and len(rows) > 1:  # several signed on the same day
            titles = "; ".join(f"{x[col['title']]} ({_names(v, x[col['parties']])})" for x in rows)
            return f"The {which} agreements {fw} were signed on the same day, {r[col['signed_date']]}: {titles}."
        if (intent.n or 1) > 1:
            titles = "; ".join(f"{x[col['title']]} ({x[col['signed_date']]})" for x in rows)
            return f"The {which} {_plural(len(rows))} {fw}: {titles}."
        return (f"The {which} agreement {fw} is {r[col['title']]}, signed on {r[col['signed_date']]}"
                f"{_by(v, intent, r[col['parties']])}.")
    if k == "detail":
        if not rows:
            return f"I found no agreement {fw}."
        if len(rows) == 1:
            r = rows[0]
            return (f"{r[col['title']]}: a {r[col['form']]} signed on {r[col['signed_date']]} by "
                    f"{_names(v, r[col['parties']])}; topics: {', '.join(TOPIC_LABELS.get(t, t) for t in r[col['topics']])}. "
                    f"{r[col['summary']]}")
        return f"{_plural(len(rows))} {fw}: " + "; ".join(f"{r[col['title']]} ({r[col['signed_date']]})" for r in rows[:6]) + \
            ("." if len(rows) <= 6 else f"; and {len(rows) - 6} more.")
    if k == "share" and intent.restrict:
        part = filter_words(v, intent, intent.share)
        each = "; ".join(f"{r[0]}: {r[4]:.1f}% ({r[2]} of {r[3]})" for r in rows if r[4] is not None)
        return f"Share of each state's agreements {fw} that {predicate(part)}: {each}."
    if k == "share":
        matching, total, percent = rows[0] if rows else (0, 0, None)
        part = filter_words(v, intent, intent.share)
        if not total:
            return f"There are no agreements {fw} in the data, so there is no share to give."
        base = f"the {_plural(total)} {fw}" if intent.filters else f"all {_plural(total)} in the data"
        return f"{percent:.1f}%: {matching} of {base} {predicate(part)}."
    if k == "never":
        focus, where = _focus(v, intent), in_scope(v, intent)
        among = f" among {intent.restrict_label}" if intent.restrict_label else ""
        if not rows:
            return f"{focus} shares at least one agreement with every state{among} {where}."
        states = "state" if len(rows) == 1 else "states"
        return f"{focus} shares no agreement with {len(rows)} {states}{among} {where}: " + \
            join_words([r[0] for r in rows]) + "."
    if k == "partners":
        focus = _focus(v, intent)
        where = in_scope(v, intent)
        if not rows:
            return f"{focus} has no partners {where}."
        if intent.n:
            best = rows[0][2]
            top = [r for r in rows if r[2] == best] if intent.n == 1 else rows
            names = join_words([r[0] for r in top])
            if intent.n == 1 and len(top) > 1:
                return f"{possessive(focus)} most frequent partners are {names}, tied with {_plural(best)} each {where}."
            if intent.n == 1:
                return f"{possessive(focus)} most frequent partner is {names}, with {_plural(best)} {where}."
            return f"{possessive(focus)} top {intent.n} partners {where}: {_counted_list(top, 0, 2, 15)}."
        if intent.count_rows:
            return f"{focus} has {len(rows)} partner {'state' if len(rows) == 1 else 'states'} {where}."
        return f"{focus} has {len(rows)} partner {'state' if len(rows) == 1 else 'states'} {where}: " + \
            _counted_list(rows, 0, 2, 30) + "."
    if k in ("rank", "breakdown"):
        if not rows:
            return f"There are no agreements {fw} in the data."
        measure = columns[-1]
        labels = [c for c in columns if c not in ("code", "code_a", "code_b", measure)]
        def label(r):  # topics by their label ('industry and procurement'), not their code
            return " – ".join(TOPIC_LABELS.get(r[col[c]], r[col[c]]) if c == "topic" else
                              f"{r[col[c]]} parties" if c == "parties" else str(r[col[c]]) for c in labels)
        if intent.count_rows:
            n = sum(1 for r in rows if r[-1])
            return f"{n} {'state' if n == 1 else 'states'} signed at least one agreement {fw}."
        if k == "rank":
            best = rows[0][-1]
            top = [r for r in rows if r[-1] == best]
            what = "distinct partners" if measure == "partners" else "agreements"
            # "42 agreements signed in 2024", but "9 distinct partners in agreements signed in 2024"
            scope = in_scope(v, intent) if measure == "partners" or not intent.filters else fw
            if (intent.n or 1) == 1:
                tie = " (tied)" if len(top) > 1 else ""
                return sentence(f"{join_words([label(r) for r in top])}{tie}: {best} {what} {scope}.")
            tie = ""
            if len(rows) > (intent.n or 0):
                tie = f" ({len(rows)} shown because of ties with the last place)"
            return f"{'Bottom' if intent.ascending else 'Top'} {intent.n} by number of {what} {scope}{tie}: " + \
                "; ".join(f"{label(r)} ({r[-1]})" for r in rows) + "."
        if len(labels) == 1:
            best = max(r[-1] for r in rows)
            peak = [label(r) for r in rows if r[-1] == best]
            lead = sentence(f"{join_words(peak)} {'has' if len(peak) == 1 else 'have'} the most ({best})")
            head = f"Agreements {fw}" if intent.filters else "All agreements"
            return f"{head} per {DIM_WORDS[intent.dims[0] if intent.dims else 'country']}: " + \
                "; ".join(f"{label(r)}: {r[-1]}" for r in rows[:15]) + \
                ("" if len(rows) <= 15 else f"; and {len(rows) - 15} more") + f". {lead}."
        head = f"Agreements {fw}" if intent.filters else "All agreements"
        return f"{head} per {' and '.join(DIM_WORDS[d] for d in intent.dims)}: {len(rows)} combinations; " \
               "see the table and chart."
    return f"{_plural(row_count)} {fw}."



def question_words(v, f) -> str:
    """A filter as a questioner would say it, in the parser's own phrasings ("involving France or Germany",
    "signed since 2022"), or '' where there is no short way. Wider questions and the Browse page's "ask this
    in the chat" are made of these, and each is checked to read back as the same filter."""
    if isinstance(f, Parties) and f.mode == "any":
        return "involving " + join_words([v.names.get(c, c) for c in f.codes], "or")
    if isinstance(f, Parties) and f.mode == "all" and len(f.codes) == 2:
        a, b = (v.names.get(c, c) for c in f.codes)
        return f"between {a} and {b}"
    if isinstance(f, Years):
        if f.start is not None and f.start == f.end:
            return f"signed in {f.start}"
        if f.start is not None and f.end is None:
            return f"signed since {f.start}"
        if f.start is None and f.end is not None:
            return f"signed before {f.end + 1}"
        return f"signed between {f.start} and {f.end}"
    if isinstance(f, Month):
        return f"signed in {MONTHS[f.month - 1]} {f.year}"
    if isinstance(f, Topic):
        return f"on {TOPIC_LABELS.get(f.topic, f.topic)}"
    if isinstance(f, Form):
        return "in the form of a " + join_words(list(f.forms), "or")
    if isinstance(f, Scope):
        return f.scope
    if isinstance(f, MutualDefence):
        return "with a mutual defence clause" if f.value else "without a mutual defence clause"
    if isinstance(f, Text) and not f.in_title and f.word.replace("-", "").isalnum():
        return f"mentioning {f.word}"
    return ""
