"""Question (+ the conversation so far) -> Intent, or a reasoned refusal. Pure: no SQL, no I/O.

Examples it reads:
    How many agreements did Spain sign after 2020?        count, Spain, 2021 or later
    Who are Slovakia's partners?                          partners of Slovakia
    Which deals commit the parties to defend each other?  list, mutual defence clause
    Top 5 countries by number of agreements since 2022    rank countries, n=5
    Agreements per year by form                           breakdown year x form
    What about Italy?  /  just the ones after 2020        follow-ups on the previous intent
Precision first: words it does not know, states outside the data and questions outside the data are
declined (`unsupported`); readings it cannot choose between are asked back (`clarify`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.assemble import assemble
from assistant.edits import find_edit
from assistant.intent import (
    Dates,
    Intent,
    Month,
    Named,
    Parties,
    PartyCount,
    Period,
    Refusal,
    Years,
    ordered,
)
from assistant.kinds import CUE_WORDS, KINDS, Context, Frame
from assistant.parse_time import FIRST_YEAR, NUMBER_WORDS, find_time, period
from assistant.vocabulary import Tag, Vocabulary, tokens

MAX_QUESTION = 1000
MAX_TITLE_WORDS = 16
SQL_LIKE = re.compile(
    r"^\s*drop\s+(?:table|view|database|schema|index|macro|secret|sequence|function|type)\b|^\s*(pragma|attach|detach|install|truncate|vacuum|checkpoint|alter|grant|revoke)\b"
    r"|^\s*with\s+\w+\s+as\s*\(|^\s*set\s+\w+\s*(=|to\b)|^\s*(load|install)\s+\w+\s*;?\s*$|^\s*copy\s+\S+\s+(to|from)\b"
    r"|^\s*select\s+(\*|\w+\s*(,|\bfrom\b))|;\s*(select|insert|update|delete|drop|create|alter|attach|copy|pragma|install|load|set)\b"
    r"|\b(select\s+.+\s+from\s+\w+|union\s+(all\s+)?select|drop\s+(table|view|database|schema)|insert\s+into|"
    r"delete\s+from|update\s+\w+\s+set|create\s+(table|view|macro|secret)|read_(csv|parquet|json|text|blob)\w*\s*\(|"
    r"getenv\s*\(|glob\s*\(|attach\s+'|copy\s+\w+\s+(to|from)\b)"
    r"|--|/\*|\*/|\bor\s+1\s*=\s*1\b|'\s*or\s*'",
    re.IGNORECASE | re.DOTALL)
NUMBER = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + ")"
PARTY_COUNT = [
    (re.compile(rf"\b(?:more than|over|above) {NUMBER} (?:parties|countries|states|signatories|members|nations)\b"), ">"),
    (re.compile(rf"\b(?:at least|a minimum of|minimum of|{NUMBER} or more) {NUMBER}? ?(?:parties|countries|states|signatories|members|nations)\b"), ">="),
    (re.compile(rf"\b(?:fewer than|less than|under) {NUMBER} (?:parties|countries|states|signatories|members|nations)\b"), "<"),
    (re.compile(rf"\b(?:at most|no more than|up to) {NUMBER} (?:parties|countries|states|signatories|members|nations)\b"), "<="),
    (re.compile(rf"(?<!top )(?<!bottom )\b(?:exactly |with |between |among |signed by |involving )?{NUMBER}(?: or more)? (?:parties|signatories|signatory states|signatory countries)\b"), "="),
    (re.compile(r"\b(trilateral|three-way|three way)\b"), "=3"),
]
TOP_N = [
    re.compile(rf"\b(?:top|bottom|first|last|latest|earliest|most recent|oldest|newest) {NUMBER}\b"),
    re.compile(rf"\b{NUMBER} (?:most|least|biggest|largest|leading|top|busiest|most recent|latest|newest|earliest|first|oldest|fewest)\b"),
    re.compile(rf"\b(?:the|which|what|name|list|show) {NUMBER} (?:countries|states|nations|pairs|partners|years|agreements|deals|"
               r"topics|forms|regions|most|least|biggest|largest|busiest)\b"),
]
PAIR_OF_TWO = re.compile(r"\b(?:which|what|the) (?:two|2) (?:countries|states|nations)\b(?=.*\b(?:each other|one another|together|"
                         r"between them|with one another|bilaterally)\b)")
HOW_MANY_NOUN = re.compile(r"\b(?:how many|number of|how much)\s+([a-z][a-z\-]+)")
DETAIL_OF = re.compile(r"\b(?:tell me (?:more )?about|details (?:of|on|about)|describe|what (?:is|was|does) the|"
                       r"what's the|information (?:on|about)|summary of|summari[sz]e|more about)\b")
MENTION = re.compile(r"\b(?:mention|mentions|mentioning|mentioned|containing the word|with the word|the word|"
                     r"referring to|refer to|refers to|that say|that says|titled|called|named)\s+(?:the\s+)?"
                     r"([^\W_][\w\-]*)")
SHARE = re.compile(r"\b(?:what |which )?(?:share|percentage|proportion|per cent|percent|fraction|ratio|part)\b")
SHARE_AMONG = re.compile(r"\b(?:among|amongst|out of|of all(?: of)?|within)\b")
SHARE_VERB = re.compile(r"\b(are|were|is|was|include|includes|included|involve|involves|involved|have|has|had|contain|"
                        r"contains|cover|covers|concern|concerns|came|come|carry|carries|feature|features|deal with|deals with|"
                        r"dealt with|address|addresses|relate to|relates to|touch on|touches on|focus on|focuses on|signed)\b")
# "Which involve Ukraine?", "How many were bilateral?": a question that leaves out its noun leans on the last one.
# "For a NATO summit briefing on the eastern flank, how many ...": the framing clause is not the question.
FRAMING = re.compile(r"^\s*(for(?! each| every| all\b| both| which| what| how)|ahead of|in preparation for|as background for|as part of|i'm preparing|i am preparing|"
                     r"i'm writing|i am writing)\b[^,?]{0,90},\s*(?=\S)")
# "that year", "since then": the time of the last question or answer.
THEN = re.compile(r"\b((that|the same) (year|period|month|date)|since then|after that|since that date)\b")
IMPLICIT_REF = re.compile(r"^(which|what|how many)\s+(involve|involves|include|includes|concern|cover|were|are|was|is|"
                          r"have|had|mention|contain|relate|came|date)\b")
ORDER = re.compile(r",?\s*\b(?:sorted |ordered |listed |arranged )?(?:by date,? )?(?:from )?(?:the )?(newest|latest|most recent|"
                   r"oldest|earliest) (?:first|one first|ones first|to (?:the )?(?:oldest|newest|latest|earliest))\b"
                   r"|,?\s*\b(?:in )?chronological(?:ly| order)\b")
SAME_SHARE = re.compile(r"^\s*(?:and |ok |so |what about |how about |now )*(?:the )?(?:same|that) ?(?:share|percentage|"
                        r"proportion|figure|ratio)?\b|^\s*(?:and|what about|how about)\b")
PREAMBLE = re.compile(r"^[^?]{3,160}?(?:[.:;!]|\s[-–]+)\s+(?=\S)")
NO_AGREEMENT = re.compile(r"\b(?:(?:still )?(?:have|has|had) )?(?:no|not a single|not one|zero) (?:defence |security |formal )?"
                          r"(?:agreements?|deals?|pacts?|treaties|accords?)(?: at all| whatsoever| yet)? with\b")
NO_X_AGREEMENT = re.compile(r"\b(?:with|have|has|having)\s+no\s+([a-z][\w.-]*(?: [a-z][\w.-]*)?) (?:agreements?|deals?|pacts?|"
                            r"treaties|accords?)\b")
PRONOUN = re.compile(r"\b(they|them|it|its|their)\b")
# A question with its own measure, agreement noun and subject: complete in itself.
COMPLETE = re.compile(r"^(?:how many|which|what|list|show|give|name|who)\b(?!.*\b(?:them|these|those|they|it|its|that one|"
                      r"the same|there)\b).*\b(?:agreements?|deals?|pacts?|accords?|treaties|partners?|signed)\b")
TIME_NOUN = r"(?:period|time|timeframe|time frame|years?|month|window|span|dates?)"
# "in that year", "since then": the time of an earlier question (asked back when there is none)
EARLIER_TIME = re.compile(rf"\b(?:the same|that) {TIME_NOUN}\b|\bsince then\b")
# "over the same period": the last question's time, carried into a kind of its own
SAME_TIME = re.compile(rf"\b(?:(?:the )?same|that|this) {TIME_NOUN}\b")
ROW_REFERENCE = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|last|[1-9](?:st|nd|rd|th)) (?:one|agreement|row|entry|"
                           r"item|document)\b|#\d|\bnumber \d\b")
COUNTED_REF = re.compile(r"\b(?:which|how many|what|any|each|one|none|both|either) of (?:the|those|these) "
                         r"(two|three|four|five|six|2|3|4|5|6)\b(?! (?:states|countries|members|nations|partners|years))")
# "where every signatory is an EU member", "every party outside NATO": only among the group (or outside it)
EVERY_PARTY = re.compile(r"\b(?:where |in which |with |whose )?(?:every|each|all(?: the)?|all of the) (?:signatory|signatories|"
                         r"party|parties|participants?|signing (?:states?|countries)|signers?) (?:(?:is|are|being|was|were)"
                         r"(?: an?| in(?: the)?| from(?: the)?| members? of(?: the)?| part of(?: the)?)?(?P<out> outside"
                         r"(?: of)?(?: the)?)?|(?:comes? from|coming from|from)(?: the)?|(?P<out2>outside(?: of)?(?: the)?))"
                         r" (?=[a-z])")
THAT_GROUP = re.compile(r"\b(?:that|this|the same) (?:region|group|bloc|grouping)\b")
TOPIC_COOPERATION = re.compile(r"\b((?:[\w-]+ ){1,3})(co-?operation) (agreements?|deals?|pacts?)\b")
# A pronoun after a conjunction or a comparison, with its antecedent earlier in the same question.
WITHIN = re.compile(r"\b(since|after|before|until|till|when|once|than|vs|versus|compared (?:with|to)) (?:it|its|they|their|them)\b")
OWN_PERIOD = re.compile(r"\b(period|(?:19|20)\d\d|invasion|brexit|annexation)\b")
FOLLOW_START = re.compile(r"^(?:and|what about|how about|same|now|also|ok|okay|just|only|which of|of these|among|those|these|them)\b")


SUBJECT_NOUNS = {"agreement", "agreements", "deal", "deals", "pact", "pacts", "accord", "accords", "treaty", "treaties",
                 "cooperation", "co-operation", "partnership", "partnerships", "missiles", "missile", "systems", "system",
                 "tanks", "vehicles", "drones", "programme", "programmes", "project", "projects", "capabilities",
                 "weapons", "jets", "aircraft", "ships", "helicopters", "launchers", "rockets"}
AGREEMENT_NOUNS = {"agreement", "agreemnt", "pact", "deal", "partnership", "arrangement", "accord", "document",
                   "instrument", "commitment", "text", "entrie", "record", "cooperation", "co-operation", "tie"}
ABOUT = ("about", "on", "regarding", "concerning", "covering")


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 4 else word


@dataclass
class _Found:
    """What the words of one question mentioned, with positions (token index) where order matters."""

    countries: list[tuple[int, str]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    groups: list[tuple[int, str, bool]] = field(default_factory=list)  # (pos, key, ends with a country noun)
    forms: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    mutual: bool = False
    dims: list[tuple[int, str]] = field(default_factory=list)
    measures: list[tuple[int, str]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    off_topic: list[str] = field(default_factory=list)
    not_in_data: list[tuple[str, str]] = field(default_factory=list)  # (reason key, the words said)
    unknown: list[str] = field(default_factory=list)
    searchable: list[str] = field(default_factory=list)  # unknown words some title or summary holds: offered as a search
    texts: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # texts that are words of titles, not asked-for mentions
    agreement_word: bool = False
    treaty_word: bool = False
    joint: bool = False
    other_agreement_word: bool = False  # "agreement", "deal", ... besides any "treaty"
    words: list[str] = field(default_factory=list)

    def has(self, measure: str) -> bool:
        return any(m == measure for _, m in self.measures)

    def pos(self, measure: str) -> int:
        return next((p for p, m in self.measures if m == measure), -1)

    def dim_names(self) -> list[str]:
        seen = []
        for _, d in self.dims:
            if d not in seen:
                seen.append(d)
        return seen


def _offer(text: str) -> tuple[str, ...]:
    """The user's question, minus what could not be used, as a suggestion to click: never markup, never empty."""
    text = re.sub(r"<[^>]*>?|[<>\"`]", " ", text)
    text = " ".join(text.split()).strip(" ,;:-'")
    if len(re.findall(r"[^\W\d_]{3,}", text)) < 2:
        return ()
    return (text[:1].upper() + text[1:],)


def normalise(question: str) -> str:
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    text = re.sub(r"\b(\d{1,3})\s?\+(?!\d)", r"\1 or more", text)  # "3+ parties", "10+ agreements"
    return re.sub(r"\s+", " ", text).strip()


class Parser:
    """Reads one question. Made afresh for each question (it is cheap: the vocabulary is shared and read-only),
    so what it notices on the way — the typos it corrected — belongs to that question alone."""

    def __init__(self, vocab: Vocabulary):
        self.v = vocab
        self._corrections: dict[str, str] = {}  # typos read as known words (said in the interpretation)
        self._context: list[str] = []  # openings read as context and left out (said in the interpretation)
        self._readings: list[str] = []  # set phrases read one way (said in the interpretation)

    # -- entry point -------------------------------------------------------------------------
    def parse(self, question: str, previous: Intent | None = None, kinds: bool = True) -> Intent | Refusal:
        """One question (and the last Intent, for follow-ups) -> an Intent, or a Refusal that says why not."""
        text = self.v.expand(normalise(question))
        unreadable = self._unreadable(text)
        if unreadable is not None:
            return unreadable
        lowered, previous = self._rewritten(text, previous)
        previous = self._counted(lowered, previous)
        if isinstance(previous, Refusal):
            return previous
        if previous is None and EARLIER_TIME.search(lowered) and not self._find_time(self.v.fold(lowered)).filters:
            # "agreements in that year" with nothing before it (a year said earlier in the question is that year)
            return Refusal("clarify", "Which period do you mean? There is no earlier question in this conversation "
                           "that names one; say the years, e.g. 'since 2022'.",
                           "a time that refers to an earlier question, in a new conversation",
                           ("How many agreements were signed since 2022?", "Agreements per year"), reason="orphan")
        share = SHARE.search(lowered)
        if share and re.search(r"\b(share|percentage|proportion|per cent|percent|fraction|ratio)\b", lowered):
            return self._share(lowered, share, previous)
        if kinds:
            done = self._edit_or_kind(lowered, previous)
            if done is not None:
                return done
        return self._read(question, lowered, previous)

    def _counted(self, text: str, previous: Intent | None) -> Intent | Refusal | None:
        """'which of the three …': the rows the user counted — the list a row was just picked from, if it has that
        many; asked back when the last answer showed no such number, never answered about other rows."""
        m = COUNTED_REF.search(text)
        if previous is None or not m:
            return previous
        k = NUMBER_WORDS.get(m[1]) or int(m[1])
        shown = {len(previous.cited), len(previous.cited_states), len(previous.restrict), len(previous.sides),
                 *(len(f.codes) for f in previous.filters if isinstance(f, Parties))} - {0}
        if not shown or k in shown:
            return previous
        if len(previous.listed) == k:  # "the second one - who signed it?", then "which of the three are …"
            return Intent(kind="list", filters=(Named(f"the {m[1]} agreements listed before", previous.listed),),
                          cited=previous.listed)
        return Refusal("clarify", f"Which {m[1]} do you mean? The last answer showed "
                       f"{' or '.join(str(n) for n in sorted(shown))}; name them or ask the question again in full.",
                       f"'{m[0]}' when the last answer did not show {m[1]}", ())

    def _unreadable(self, text: str) -> Refusal | None:
        """Nothing to read, too long, or SQL: refused before any rule runs."""
        if not text or not re.search(r"[^\W_]", text):
            return self._unsupported("Please type a question about the defence agreements.", "an empty question")
        if len(text) > MAX_QUESTION:
            return self._unsupported(f"That question is too long ({len(text)} characters); please ask in under "
                                     f"{MAX_QUESTION} characters.", "a question too long to read")
        if SQL_LIKE.search(text):
            return self._unsupported("I answer questions in plain English and never run SQL or commands typed into "
                                     "the chat. Try asking, for example, 'How many agreements were signed in 2024?'",
                                     "SQL or a command, which is never run")
        return None

    def _rewritten(self, text: str, previous: Intent | None) -> tuple[str, Intent | None]:
        """The question in lower case, with a fresh start, openings and a few set phrases rewritten."""
        lowered = self._without_framing(text.lower().replace("%", " per cent "))
        fresh = self.v.fresh_start.search(lowered)
        if fresh:  # "New topic - …", "Switching topics: …": a new question, whatever came before
            lowered, previous = (lowered[: fresh.start()] + " " + lowered[fresh.end():]).strip(), None
        lowered = self._without_preamble(self._without_preamble(lowered))  # up to two sentences of context
        lowered = NO_AGREEMENT.sub(" never signed with ", lowered)  # "no agreement at all with"
        # "EU states with no UK agreement": never signed with the UK; "states with no cyber agreements": none on cyber
        lowered = NO_X_AGREEMENT.sub(lambda m: f" never signed with {m[1]} " if self._countries_in(m[1]) else
                                     f" {m[0].split()[0]} fewer than 1 {m[1]} agreements ", lowered)
        lowered = re.sub(r"\b((?:19|20)\d\d)'s\b", r"\1", lowered)  # "2024's agreements"
        lowered = re.sub(r"\bwith ([\w\s'-]{2,40}?) in (?:them|it)\b", r"involving \1", lowered)  # "deals with Germany in them"
        lowered = THAT_GROUP.sub(lambda m: self._that_group(m, previous), lowered)
        lowered = EVERY_PARTY.sub(lambda m: " only among the non-" if m["out"] or m["out2"] else " only among the ",
                                  lowered)
        return TOPIC_COOPERATION.sub(self._topic_cooperation, lowered), previous

    def _that_group(self, m: re.Match, previous: Intent | None) -> str:
        """'in that region', 'the same group': the group the last question named, by one of its names."""
        groups = [] if previous is None else [f.codes for f in previous.filters if isinstance(f, Parties)] + \
            [previous.restrict]
        return next((self.v.group_words[key] for key, group in self.v.groups.items() if group.members in groups), m[0])

    def _topic_cooperation(self, m: re.Match) -> str:
        """'naval cooperation agreements' = agreements on that topic, of any form (the form 'cooperation agreement'
        is asked for by itself: 'cooperation agreements on maritime')."""
        words = tokens(self.v.fold(m[1]))
        for k in (3, 2, 1):
            if len(words) >= k and any(t.kind == "topic" for t in self.v.lexicon.get(tuple(words[-k:]), [])):
                self._readings.append(f"'{' '.join(words[-k:])} cooperation {m[3]}' is read as {m[3]} on that topic, "
                                      "of any form")
                return f"{m[1]}{m[3]}"
        return m[0]

    def _edit_or_kind(self, lowered: str, previous: Intent | None) -> Intent | Refusal | None:
        """A follow-up edit of the last Intent (assistant/edits.py), or one of the kinds in assistant/kinds/."""
        context = Context(self.v, previous, self._countries_in, self.parse, self._scan_text, self._strip_states,
                          self._strip)
        folded_all = re.sub(r"[a-z]{5,}", self._cue_fixed, self.v.fold(lowered))  # "avergae number of parties"
        order = ORDER.search(folded_all)  # "and after it? oldest first": the edit, then the order asked
        edited = find_edit(folded_all[: order.start()] + folded_all[order.end():] if order else folded_all, previous,
                           context)
        if isinstance(edited, Intent) and order and edited.kind in ("list", "count"):
            edited = edited.with_(kind="list", ascending=bool(order[1]) and order[1] in ("oldest", "earliest"))
        if edited is not None:
            return edited
        for kind in KINDS.values():
            frame = kind.recognise(folded_all, context)
            if frame is not None:
                return self._kind(kind, frame, context)
        return None

    def _read(self, question: str, lowered: str, previous: Intent | None) -> Intent | Refusal:
        """The words of a question -> what they mention -> the coverage checks -> assemble()."""
        quoted, lowered = self._quoted(lowered)
        order = ORDER.search(lowered)  # "newest first", "oldest first": how a list is sorted, not which rows
        if order:
            lowered = lowered[: order.start()] + " " + lowered[order.end():]
        mode, lowered = self._follow_cue(lowered, previous)
        folded = self.v.fold(lowered) if lowered.strip() else ""
        time = self._find_time(folded)
        since = re.search(r"\b(since then|after that|since that date)\b", time.text)
        if since and previous is not None and len(previous.cited) == 1:
            day = self.v.signed[previous.cited[0]]
            time.filters.append(Dates(start=day + dt.timedelta(days=1), label=f"after {previous.cited[0]} ({day})"))
            time.text = time.text[: since.start()] + " " * (since.end() - since.start()) + time.text[since.end():]
        rest, extra_filters, n, notes = self._numbers(self._spelled_apostrophes(time.text))
        found = self._scan(rest)
        named = self._named_title(rest, found.has("detail") and not (found.has("first") or found.has("latest")))
        if named:  # the agreement's own name: its words are not states, forms or unknown words
            extra_filters.append(named[0])
            rest = named[1]
            found = self._scan(rest)
            found.measures = found.measures or [(0, "detail")]
        found.texts += quoted
        if found.has("detail") and found.unknown and all(w in self.v.common_title_words for w in found.unknown):
            # "Tell me about the … Council conclusions": in a request for one agreement, title words name it
            found.texts += found.unknown
            found.names.update(found.unknown)
            found.unknown, found.searchable = [], []
        refused = self._refused(question, found, time, rest, extra_filters, previous, mode)
        if refused is not None:
            return refused
        said_once = {f.condition().sql(): f for f in reversed(time.filters)}  # "after the brief's period (so Oct
        times = [f for f in time.filters if said_once[f.condition().sql()] is f]  # 2025 onwards)": one date, once
        intent = self._assemble(found, times + extra_filters, n, previous, mode, rest)
        if isinstance(intent, Refusal):
            return intent
        typos = tuple(f"read '{w}' as '{f}'" for w, f in self._corrections.items()) + tuple(
            f"the opening '{c}' is read as context and left out" for c in self._context) + tuple(self._readings)
        if order and intent.kind in ("list", "count"):
            oldest = bool(order[1]) and order[1] in ("oldest", "earliest") or not order[1]
            intent = intent.with_(kind="list", ascending=oldest)
        return intent.with_(notes=tuple(intent.notes) + tuple(time.notes) + tuple(notes) + typos)


    def _quoted(self, lowered: str) -> tuple[list[str], str]:
        """Quoted text and words after 'mentioning', 'called' …: title/summary searches asked for."""
        quoted = [q.strip() for q in re.findall(r'"([^"]{2,60})"', lowered)]
        lowered = re.sub(r'"[^"]{2,60}"', " ", lowered)
        for m in list(MENTION.finditer(lowered)):
            after = tuple(tokens(self.v.fold(lowered[m.start(1):]))[:4])
            if any(len(after) >= k and after[:k] in self.v.lexicon for k in (2, 3, 4)) or any(
                    t.kind in ("form", "mutual_defence", "country", "group") for t in self.v.lexicon.get(after[:1], [])):
                continue  # "mention military mobility": a phrase the data records, not a word to search for
            word = m[1][:-1] if m[1].endswith("s") and not m[1].endswith("ss") and len(m[1]) > 4 else m[1]
            quoted.append(word)
            lowered = lowered[: m.start(1)] + " " * len(m[1]) + lowered[m.end(1):]
        return quoted, lowered

    def _refused(self, question, found, time, rest, extra_filters, previous, mode) -> Refusal | None:
        """The coverage rule and the data's limits: a word not placed, a state or time outside the data, a
        condition the data lacks, something that cannot be counted, a time that needs a year."""
        if time.outside:
            return self._unsupported(time.outside + f" Ask about a year from {FIRST_YEAR} to {self.v.last_date.year}.",
                                     "a time outside the data")
        if found.outside:
            names = ", ".join(dict.fromkeys(found.outside))
            return self._unsupported(f"{names} {'is' if len(set(found.outside)) == 1 else 'are'} outside the data. "
                                     + self.v.scope_sentence(), f"a question about {names}, outside the data")
        if found.not_in_data:  # SEMANTICS.md: decline and say so; never answer with the condition left out
            return self._lacking(question, found.not_in_data)
        anchors = found.countries or found.groups or found.forms or found.topics or found.scopes or found.mutual \
            or found.dims or found.texts or found.measures or found.agreement_word or time.filters or extra_filters
        if found.unknown and not found.off_topic and (anchors or previous is not None and mode):
            # the coverage rule: a word not placed is never dropped (in a follow-up, asked back about)
            return self._unplaced(question, found.unknown, found.searchable)
        if found.off_topic or found.unknown:
            words = ", ".join(f"'{w}'" for w in dict.fromkeys(found.off_topic + found.unknown))
            return self._unsupported(
                f"I can only answer questions about the agreements themselves (who signed what, when, in what form, "
                f"on which topics), and I don't know how to read {words} here.",
                f"a question I cannot answer from the data (it mentions {words})")
        counted = HOW_MANY_NOUN.search(rest)
        if counted and not found.off_topic and not self._countable(counted[1]):
            return self._unsupported(f"I can count agreements, partners and states, not '{counted[1]}'. "
                                     "The data holds who signed which agreement, when, in what form and on what topics.",
                                     f"a question about a number of {counted[1]}, which the data does not hold")
        if time.clarify and previous is not None and time.lone_month and any(
                isinstance(f, Month) for f in previous.filters):
            year = next(f.year for f in previous.filters if isinstance(f, Month))
            time.filters.append(Month(year, time.lone_month))
            time.clarify = []
        if time.clarify and previous is not None and time.lone_part:  # "and in the second half?": the same year
            year = next((f.year for f in previous.filters if isinstance(f, (Period, Month))), None) or next(
                (f.start for f in previous.filters if isinstance(f, Years) and f.start is not None and f.start == f.end),
                None)
            if year:
                time.filters.append(period(*time.lone_part, year))
                time.clarify = []
                time.notes = [n.replace("needs a year", f"is read in {year}, the year of the last question")
                              for n in time.notes]
        if time.clarify:
            return Refusal("clarify", f"Which year do you mean? The data runs from {self.v.period.replace(' – ', ' to ')}.",
                           "a time that needs a year (" + "; ".join(time.notes) + ")", tuple(time.clarify))
        return None

    def _without_framing(self, text: str) -> str:
        """'For the committee, how many …': an opening clause that names nothing the data holds is left out; one
        that does ("For Poland's deals with France, how many …", "for the note: in 2024, …") is read."""
        m = FRAMING.match(text)
        if not m:
            return text
        said, rest = self._scan_text(m[0]), text[m.end():]
        if re.search(r"\d", m[0]) or said.not_in_data or self._find_time(self.v.fold(m[0])).filters:
            return text  # a date or a condition the data lacks is never context
        if said.countries or said.groups or said.topics or said.forms or said.scopes or said.mutual or said.dims \
                or said.texts or said.outside:
            asked = self._scan_text(rest)
            if not (COMPLETE.search(rest) and (asked.countries or asked.groups)):
                return text  # "For Poland's deals with France, how many …": the opening is the subject
            self._context.append(" ".join(m[0].split()).strip(" ,"))  # "For a NATO summit briefing, how many has
        return rest  # Poland signed …": said in the interpretation

    def _without_preamble(self, text: str) -> str:
        cut = self._preamble_cut(text)
        if cut != text and not text.endswith(cut):
            return cut  # a pronoun replaced by the states the opening named: nothing left out
        if cut != text:
            before = text[: len(text) - len(cut)]
            then = THEN.search(cut)
            when = self._time_said(before, "since" if re.match(r"since|after", then[0]) else "in") if then else ""
            if when:  # "… since Russia's full-scale invasion. How many has France signed since then?"
                cut = cut[: then.start()] + when + cut[then.end():]
            if self._scan_text(before).unknown:  # words no rule places are never dropped unsaid
                self._context.append(" ".join(before.split()).strip(" .:;-–"))
        return cut

    def _find_time(self, folded: str):
        """The dates and periods a (folded) text names, read with this vocabulary's events and periods."""
        return find_time(folded, self.v.phrases["invasion"], self.v.phrases["before_invasion"], self.v.events,
                         self.v.periods)

    def _time_said(self, text: str, preposition: str) -> str:
        """The words of a date or period in a piece of text ('since the full-scale invasion'), or ''."""
        folded = self.v.fold(text)
        time = self._find_time(folded)
        changed = [i for i, (a, b) in enumerate(zip(folded, time.text, strict=False)) if a != b]
        if not time.filters or not changed or time.clarify or time.outside:
            return ""
        said = folded[changed[0]: changed[-1] + 1].strip()
        return said if re.match(r"(since|after|before|from|in|during|between|until)\b", said) else f"{preposition} {said}"

    def _preamble_cut(self, text: str) -> str:
        """'Minister is in Warsaw next month. How many agreements has Poland signed?', 'For the committee note: how
        many …', 'Ahead of the Rome visit - how many …': a sentence before a whole question is context, not
        part of it — dropped when the question names every state the preamble does (else it may be the subject)."""
        m = PREAMBLE.match(text)
        if not m:
            return text
        before, rest = text[: m.end()], text[m.end():]
        if ROW_REFERENCE.search(before):
            return text  # "the second one - who signed it?": a row of the last answer, not context
        said, asked = self._scan_text(before), self._scan_text(rest)
        if said.not_in_data:
            return text  # "ratified. For a briefing note: …": a condition the data lacks is never context
        names = said.texts if not (asked.countries or asked.groups) else []  # a title word before a question
        if self._find_time(self.v.fold(before)).filters and not THEN.search(rest):
            return text  # "brief's period vs after it - how many in each?": a time is never context (unless the
            # question points back to it: "… since the invasion. How many has France signed since then?")
        chatter = not (said.countries or said.groups or said.topics or said.forms or said.scopes or names or
                       said.mutual or said.dims or said.measures or said.outside or said.off_topic) \
            and not re.search(r"\d", before)
        if chatter and re.search(r"[^\W\d_]{2}", rest):
            return rest  # "Understood. Of the UK's …", "Fair enough - show …": a preamble with nothing to read
        pronoun = PRONOUN.search(rest)
        if said.countries and not asked.countries and pronoun and not (said.topics or said.forms or said.groups) \
                and not re.search(r"\d", before):
            # "Another member is asking about France and Italy. What have they signed together?": they = those states
            states = self.v.name_list(self._countries_in(before)).lower()
            states += "'s" if pronoun[1] in ("its", "their") else ""
            return rest[: pronoun.start()] + states + rest[pronoun.end():]
        own = asked.countries or asked.groups or asked.texts or asked.topics
        if own and re.search(r"[.!]\s*$", before) and not (set(said.countries) - set(asked.countries)):
            # "My MEP is speaking at a Weimar Triangle event next week. When was the Treaty of Nancy signed?": a
            # whole sentence before a question with its own subject is context
            return rest
        if not COMPLETE.search(rest):
            return text

        def subject(found):
            return {c for _, c in found.countries} | {g for _, g, _ in found.groups} | set(found.topics) | \
                set(found.forms) | set(found.scopes) | set(found.texts)

        extra = subject(said) - subject(asked)
        if asked.countries or asked.groups:  # the question names its own states: a title word before it is context
            extra -= set(said.texts)
        if re.search(r"\d", before) or extra:
            return text  # "2018: how many agreements?", "Cyber: which states …": the preamble is the subject
        return rest

    def _kind(self, kind, frame: Frame, context: Context) -> Intent | Refusal:
        """A question of one of the kinds in assistant/kinds/: the kind's own words make its settings; the rest
        of the question is read as usual for its filters, so every word is still placed or reported."""
        previous = context.previous if frame.refers else None
        base = self.parse(frame.rest, previous, kinds=False) if frame.rest.strip(" ?.") else Intent()
        if isinstance(base, Refusal):
            # "what about at least 25?": nothing but a cue is left, and the kind edits the last question itself
            if base.reason not in ("no_question", "orphan") or (base.reason == "orphan" and context.previous is None):
                return base
            base = Intent()
        same = context.previous is not None and SAME_TIME.search(frame.rest)
        if same and not any(f.slot == "time" for f in base.filters):
            # "compare the Baltic states and the V4 over the same period": the last question's time
            carried = tuple(f for f in context.previous.filters if f.slot == "time")
            base = base.with_(filters=ordered([*base.filters, *carried]))
        return kind.make(frame, base, context)

    def _scan_text(self, text: str) -> _Found:
        return self._scan(self._spelled_apostrophes(self.v.fold(text)))

    def _strip_states(self, text: str) -> str:
        return self._strip(text, ("country",))

    def _strip(self, text: str, kinds: tuple[str, ...]) -> str:
        words = [self._known_or_fixed(w) for w in tokens(self._spelled_apostrophes(self.v.fold(text)))]
        kept, i = [], 0
        while i < len(words):
            size, tags = self._longest(words, i)
            if tags and any(t.kind in kinds for t in tags):
                i += size
                continue
            kept.append(words[i])
            i += 1
        return " ".join(kept)

    def _countries_in(self, text: str) -> list[str]:
        """The states a piece of text names, in order (for kinds that read several roles of states)."""
        found = self._scan(self._spelled_apostrophes(self.v.fold(text)))
        return list(dict.fromkeys(code for _, code in found.countries))

    def _share(self, text: str, share: re.Match, previous: Intent | None) -> Intent | Refusal:
        """'What share of <base> are <part>?' -> the part's share of the base, both parsed as filters."""
        if previous is not None and previous.kind == "share" and SAME_SHARE.match(text):
            # "same share for 2024?": the last share, with the base's filters of the same kind replaced
            rest = SAME_SHARE.sub(" ", text, count=1)
            rest = SHARE.sub(" ", rest)
            edit = self.parse(rest, None, kinds=False) if rest.strip(" ?.") else None
            if isinstance(edit, Refusal) and edit.reason != "no_question":
                return edit
            new = edit.filters if isinstance(edit, Intent) else ()
            slots = {f.slot for f in new}
            return previous.with_(filters=ordered([f for f in previous.filters if f.slot not in slots] + list(new)),
                                  notes=("the same share, for " + "; ".join(f.words() for f in new),) if new else ())
        before, after = text[: share.start()], text[share.end():]
        among = SHARE_AMONG.search(after)
        if among and not SHARE_VERB.search(after):
            # "share of political declarations among UK deals", "as a share of all of Denmark's": the base follows
            return self._share_among(after[: among.start()], after[among.end():], previous)
        verbs = list(SHARE_VERB.finditer(after))
        verb = verbs[-1] if verbs else None
        if verb and verb.group(1) == "signed" and len(verbs) > 1 and after[verbs[-2].end():verb.start()].strip() == "":
            verb = verbs[-2]
        base_text = before + " " + (after[: verb.start()] if verb else after)
        part_text = after[verb.end():] if verb else ""
        if verb and verb.group(1) == "signed":
            part_text = "signed " + part_text
        base = self.parse(base_text, None) if base_text.strip(" ?.") else None
        part = self.parse(part_text, None) if part_text.strip(" ?.") else None
        for p in (base, part):  # a half that cannot be read makes the whole share unreadable: never drop it
            if isinstance(p, Refusal) and p.reason != "no_question" and not (p.reason == "orphan" and previous):
                return p
        base_filters = base.filters if isinstance(base, Intent) else ()
        part_filters = part.filters if isinstance(part, Intent) else ()
        if previous is not None and previous.filters and part_filters and \
                re.search(r"\b(these|those|them|they)\b", base_text):
            # "What share of those involve defence industry?": of the last answer's agreements, the part asked
            base = ordered(list(previous.filters) + [f for f in base_filters if f not in previous.filters])
            return Intent(kind="share", filters=base, share=part_filters,
                          notes=("'those' = the agreements of the last answer",))
        if previous is not None and previous.filters and re.search(r"\b(that|this|these|those|them|it)\b", part_text or text):
            # "What share of the UK's agreements is that?": the last answer's agreements, within the base.
            return Intent(kind="share", filters=base_filters, notes=("'that' = the agreements of the last answer",),
                          share=tuple(f for f in previous.filters if f not in base_filters))
        if not part_filters:
            # "% bilateral since 2022": no verb splits base from part; the period is the base, the rest the part
            period = tuple(f for f in base_filters if f.slot == "time")
            rest = tuple(f for f in base_filters if f.slot != "time")
            base_filters, part_filters = (period, rest) if rest else ((), base_filters)
        if not part_filters:
            return Refusal("clarify", "A share of what? Say which agreements to count, e.g. 'What share of "
                           "agreements are bilateral?'", "a share without saying of what",
                           ("What share of agreements are bilateral?", "What percentage of agreements involve Germany?"))
        notes = tuple(n for p in (base, part) if isinstance(p, Intent) for n in p.notes)
        return Intent(kind="share", filters=base_filters, share=part_filters, notes=notes)

    def _share_among(self, part_text: str, base_text: str, previous: Intent | None) -> Intent | Refusal:
        base = self.parse(base_text, None)
        if isinstance(base, Refusal):
            return base
        if part_text.strip(" ?.of"):
            part = self.parse(part_text, None)
            if isinstance(part, Refusal) and part.reason != "no_question":
                return part
            part_filters = part.filters if isinstance(part, Intent) else ()
        elif previous is not None and previous.filters:  # "as a share of all of Denmark's?": the last answer's rows
            part_filters = tuple(f for f in previous.filters if f not in base.filters)
        else:
            part_filters = ()
        if not part_filters:
            return Refusal("clarify", "A share of what? Say which agreements to count, e.g. 'What share of "
                           "Denmark's agreements are with Ukraine?'", "a share without saying of what",
                           ("What share of agreements are bilateral?",))
        return Intent(kind="share", filters=base.filters, share=part_filters, notes=base.notes)

    COUNTABLE = {"only", "defence", "security", "military", "joint", "formal", "new", "signed", "different", "distinct",
                 "separate", "individual", "such", "more", "times", "of", "in", "did", "do", "does", "were", "are", "was",
                 "is", "has", "have", "had", "the", "these", "those", "them", "total", "other", "parties", "party", "signatories", "signatory", "franco", "anglo", "instances", "cases", "occasions", "for", "with", "since",
                 "between", "among", "per", "each", "by", "from", "to", "at", "on", "over"}

    def _countable(self, word: str) -> bool:
        """'how many <word>': agreements, states, partners... but not tanks or soldiers."""
        if "-" in word:
            parts = tuple(word.split("-"))
            return parts in self.v.lexicon or parts[:-1] + (parts[-1] + "s",) in self.v.lexicon or \
                all(self._countable(part) for part in parts)
        word = self._known_or_fixed(word)
        tags = self.v.lexicon.get((word,), [])
        return word in self.COUNTABLE or any(t.kind != "off_topic" for t in tags) or word in self.v.phrase_starts

    def _named_title(self, text: str, detail: bool) -> tuple[Named, str] | None:
        """The agreement a question names by its title, and the text without that name.

        After "tell me about" two title words are enough; elsewhere the words must be most of one
        title ("Baltic Defence Line Agreement?"), so "defence cooperation agreements" stays a form."""
        m = DETAIL_OF.search(text) if detail else None
        start = m.end() if m else 0
        words = tokens(text[start:])
        edges = {"of", "and", "the", "a", "an", "to", "in", "with", "between", "on", "for", "by"}
        # Titles run to a dozen words or so; longer windows cannot match and would cost O(n^2) on long questions.
        for size in range(min(len(words), MAX_TITLE_WORDS), 1 if detail else 2, -1):
            for i in range(0, len(words) - size + 1):
                run = words[i:i + size]
                if run[0] in edges or run[-1] in edges:
                    continue
                if all(any(t.kind in ("country", "group") for t in self.v.lexicon.get((w,), [])) or w in edges
                       for w in run):
                    continue  # "poland and ukraine" names states, not an agreement
                phrase = " ".join(run)
                if phrase not in self.v.title_runs:
                    continue
                hits = [(t, i) for t, i in zip(self.v.titles, self.v.title_ids, strict=True) if phrase in t]
                if not hits or (not detail and (len(hits) > 3 or
                                                all(len(run) < 0.6 * len(t.split()) for t, _ in hits))):
                    continue
                span = re.search(r"\W+".join(map(re.escape, run)), text[start:])
                rest = text if span is None else text[:start + span.start()] + " " + text[start + span.end():]
                return Named(phrase, tuple(i for _, i in hits)), rest
        return None

    # -- steps -------------------------------------------------------------------------------
    def _unplaced(self, question: str, unknown: list[str], searchable: list[str] = ()) -> Refusal:
        """Words no rule places (PRECISE: answer only what maps completely): ask back, naming them, and offer the
        question without them for the user to choose knowingly."""
        words = list(dict.fromkeys(unknown))
        said = ", ".join(f"'{w}'" for w in words)
        without = question
        for w in words:
            without = re.sub(rf"(?i)(?<![\w-]){re.escape(w)}(?![\w-])", " ", without)
        offer = _offer(without)
        searches = tuple(f"Agreements mentioning '{w}'" for w in dict.fromkeys(searchable))
        what = "that word" if len(words) == 1 else "those words"
        where = "; some titles or summaries mention it, and I can search them for it if you choose that below. " \
            if searches else " or a word from any agreement's title or summary. "
        return Refusal("clarify",
                       f"I don't know what {said} means here, so I haven't answered: it is not a state, group, form, "
                       f"topic or date in the data{where}"
                       + (f"Without {what}, the question reads: '{offer[0]}'. Is that what you mean?" if offer else
                          "Could you say it another way?"),
                       f"a question with {said}, which I could not place",
                       searches + offer + tuple(self.v.suggestions["starter"][:2]))

    def _lacking(self, question: str, lacking: list[tuple[str, str]]) -> Refusal:
        """A question that depends on an attribute the data does not hold: say which and why, and offer the
        question without it (which the user may choose knowingly)."""
        reasons = list(dict.fromkeys(self.v.not_in_data[key] for key, _ in lacking))
        said = ", ".join(f"'{w}'" for w in dict.fromkeys(w for _, w in lacking))
        without = question
        for _, w in lacking:
            without = re.sub(rf"(?i)\b(still |currently |not |no longer )?{re.escape(w)}\b", " ", without)
        offer = _offer(without)
        return Refusal("unsupported",
                       f"{'; '.join(reasons)}, so I can't answer a question that depends on {said}. The data records "
                       "which states signed which agreements, when, in what form and on what topics.",
                       f"a question that depends on {said}, which the data does not hold",
                       offer + tuple(self.v.suggestions["starter"][:2]))

    def _unsupported(self, answer: str, reading: str) -> Refusal:
        return Refusal("unsupported", answer, f"I read this as {reading}.", tuple(self.v.suggestions["starter"][:4]))

    def _follow_cue(self, text: str, previous: Intent | None) -> tuple[str | None, str]:
        if previous is None:
            orphan = re.match(r"^(what about|how about|and what about|same for|narrow|narrowed|filter|restrict|limit|"
                              r"same but|same again|now just|now only)\b", text.strip()) or \
                re.search(r"\b(they|them|these|those|the two|both of them|the same|it|its)\b", text)
            return ("orphan" if orphan else None), text
        stripped = " ".join(re.sub(r"[^\w\s'\-]", " ", text).split())  # "OK. Then with Ukraine?" -> "ok then with ukraine"
        if self.v.keep_going.match(stripped) and COMPLETE.search(self.v.keep_going.sub("", stripped)):
            # "OK. How many agreements has each Baltic state signed since …?": a whole new question after a
            # word that only keeps the conversation going; it starts afresh (SEMANTICS.md, follow-ups).
            return None, self.v.keep_going.sub("", stripped)
        for mode in ("narrow", "replace"):
            for cue in self.v.follow_up[mode]:
                if stripped == cue or stripped.startswith(cue + " "):
                    if mode == "narrow" and cue in ("just", "only", "those", "these", "them") and \
                            not FOLLOW_START.match(stripped):
                        continue
                    # A narrowing cue keeps its words ("which of these" still asks "which").
                    return mode, (stripped if mode == "narrow" else stripped[len(cue):])
        if re.match(r"(?:and )?(?:which|how many|what) (?:ones )?of (?:the )?[a-z]+(?:'s|s')(?: ones)? (?:are|were|is|was|"
                    r"have|had|include|involve|concern|cover|came|date)\b", stripped) \
                and set(self._countries_in(stripped)) & {c for f in previous.filters if isinstance(f, Parties)
                                                         for c in f.codes}:
            return "narrow", text  # "which of Sweden's are letters of intent?": of the rows just shown, Sweden's
        own = self._own_antecedents(stripped)  # "since it joined NATO" after Sweden: the pronoun is Sweden
        if re.search(r"\b(them|these|those|they|it|its|their|one|ones|that agreement|this agreement|the two|both of them|"
                     r"those two|these two|the three|those three|all three|the four)\b", own) \
                or IMPLICIT_REF.match(stripped) or THEN.search(stripped):
            return "narrow", text
        if re.search(r"\b(only|just)\b", stripped):
            return "narrow?", text  # narrows unless the question names its own subject (assemble decides)
        return None, text

    def _own_antecedents(self, text: str) -> str:
        """The question without pronouns that point back inside it: "How many agreements has Sweden signed since it
        joined NATO?", "Ireland in the brief's period vs after it" — a state, group or period named before the
        pronoun is what it means, so the question is not a follow-up for that pronoun."""
        def local(m: re.Match) -> str:
            before = text[: m.start()]
            named = self._countries_in(before) or self._scan(before).groups or OWN_PERIOD.search(before)
            return m[1] if named else m[0]
        return WITHIN.sub(local, text)

    @staticmethod
    def _spelled_apostrophes(text: str) -> str:
        # "France's" -> "france"; "Slovakias" is left to the typo matcher.
        return re.sub(r"\b(?!(?:what|that|it|who|where|there|let|here|how)'s\b)([a-z]+)'s\b", r"\1", text)

    def _numbers(self, text: str):
        filters, notes, n = [], [], None
        text = PAIR_OF_TWO.sub("which pair", text)
        for pattern, op in PARTY_COUNT:
            m = pattern.search(text)
            if not m:
                continue
            if op == "=3":
                filters.append(PartyCount("=", 3))
            else:
                value = next(g for g in m.groups() if g)
                k = int(value) if value.isdigit() else NUMBER_WORDS[value]
                if "or more" in m[0]:
                    op = ">="
                filters.append(PartyCount(op, k))
            text = text[: m.start()] + " " + text[m.end():]
            break
        for pattern in TOP_N:
            m = pattern.search(text)
            if m:
                value = m[1]
                n = int(value) if value.isdigit() else NUMBER_WORDS[value]
                text = text[: m.start(1)] + " " * len(m[1]) + text[m.end(1):]
                break
        return text, filters, n, notes

    def _scan(self, text: str) -> _Found:
        found = _Found()
        words = [self._known_or_fixed(w) for w in self._split_hyphens(tokens(text))]
        found.words = words
        i = 0
        while i < len(words):
            size, tags = self._longest(words, i)
            filler = self._longest_filler(words, i)
            if tags and size >= filler:
                phrase = words[i:i + size]
                for tag in tags:
                    self._note(found, tag, i, phrase)
                i += size
                continue
            if filler:
                i += filler
                continue
            word = words[i]
            if word.isdigit() or re.fullmatch(r"\d+(st|nd|rd|th)?", word):
                i += 1
                continue
            if word in self.v.title_words:  # a distinctive word of some title: "cv90", "aachen"
                found.texts.append(word)
                found.names.add(word)
            elif i > 0 and words[i - 1] in ABOUT and _stem(word) in self.v.summary_stems:
                # A subject we can only search for ("about drones", "on hypersonic missiles"): a title/summary
                # search, which may truly find none; never silently left out.
                found.texts.append(_stem(word))
            else:
                found.unknown.append(word)
                if _stem(word) in self.v.summary_stems or word in self.v.common_title_words:
                    # "nuclear agreements": not a topic of the data; asked back, with the search offered
                    found.searchable.append(_stem(word))
            i += 1
        return found

    def _split_hyphens(self, words: list[str]) -> list[str]:
        """'franco-german' / 'polish-lithuanian' -> 'france with germany': a hyphen joins parties."""
        out = []
        for w in words:
            parts = [{"franco": "france", "anglo": "uk"}.get(p, p) for p in w.split("-")]
            if (w,) not in self.v.lexicon and len(parts) > 1 and \
                    all(any(t.kind == "country" for t in self.v.lexicon.get((p,), [])) for p in parts):
                out += " with ".join(parts).split()
            elif len(parts) > 1 and (w,) not in self.v.lexicon and (w,) not in self.v.filler \
                    and w not in self.v.title_words and all(self._known(p) for p in parts):
                out += parts
            else:
                out.append(w)
        return out

    def _known(self, word: str) -> bool:
        return (word,) in self.v.lexicon or (word,) in self.v.filler or word in self.v.title_words \
            or word in self.v.common_title_words \
            or word in self.v.phrase_words \
            or word in self.v.summary_words or word in self.v.first_words

    def _known_or_fixed(self, word: str) -> str:
        if self._known(word) or not word.isalpha():
            return word
        fixed = self._typo(word)
        if fixed:
            self._corrections[word] = fixed
        return fixed or word

    def _longest(self, words, i):
        for size in range(min(self.v.max_phrase, len(words) - i), 0, -1):
            tags = self.v.lexicon.get(tuple(words[i:i + size]))
            if tags:
                return size, tags
        return 0, []

    def _longest_filler(self, words, i):
        for size in range(min(6, len(words) - i), 0, -1):
            if tuple(words[i:i + size]) in self.v.filler:
                return size
        return 0

    def _cue_fixed(self, m: re.Match) -> str:
        """A word no rule knows, one edit from a kind's cue word ("avergae"): that word, said in the interpretation."""
        word = m[0]
        if self._known(word):
            return word
        hit = process.extractOne(word, CUE_WORDS, scorer=DamerauLevenshtein.distance,
                                 score_cutoff=1 if len(word) < 8 else 2)
        if not hit or hit[0] == word:
            return word
        self._corrections[word] = hit[0]
        return hit[0]

    def _typo(self, word: str) -> str | None:
        """The known word one edit away (two for long words); swapped letters count as one edit."""
        if len(word) < 5 or not word.isalpha():
            return None
        hit = process.extractOne(word, self.v.fuzzy_targets, scorer=DamerauLevenshtein.distance,
                                 score_cutoff=1 if len(word) < 8 else 2)
        return hit[0] if hit else None

    def _note(self, found: _Found, tag: Tag, pos: int, phrase: list[str]) -> None:
        kind, value = tag.kind, tag.value
        if kind == "country":
            found.countries.append((pos, value))
        elif kind == "outside":
            found.outside.append(value)
        elif kind == "group":
            found.groups.append((pos, value, phrase[-1] in ("states", "countries", "nations", "members", "republics",
                                                             "allies", "state", "country")))
        elif kind == "form":
            found.forms.append(value)
            found.joint = found.joint or phrase[0] == "joint"  # "joint declarations of A and B": together
        elif kind == "topic":
            found.topics.append(value)
        elif kind == "scope":
            found.scopes.append(value)
        elif kind == "mutual_defence":
            found.mutual = True
        elif kind == "dim":
            found.dims.append((pos, value))
        elif kind == "measure":
            found.measures.append((pos, value))
        elif kind == "chart":
            found.charts.append(value)
        elif kind == "off_topic":
            found.off_topic.append(" ".join(phrase))
        elif kind == "not_in_data":
            found.not_in_data.append((value, " ".join(phrase)))
        elif kind == "agreement_words":
            found.agreement_word = True
            if phrase[0] in ("treaty", "treaties"):
                found.treaty_word = True
            elif phrase[-1].rstrip("s") in AGREEMENT_NOUNS:
                found.other_agreement_word = True

    # -- assembling the intent -----------------------------------------------------------------
    def _assemble(self, f: _Found, time_filters, n, previous: Intent | None, mode, text) -> Intent | Refusal:
        return assemble(self, f, time_filters, n, previous, mode, text)
