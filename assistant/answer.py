"""The Answer object (ANSWER_CONTRACT.md) and the orchestration of the stages:

    parse -> build_sql -> validate -> run -> chart -> answer text
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz, process, utils

from assistant import build_sql, declines, figures, validate
from assistant.charts import choose_chart  # at import: the first answer should not pay for Altair
from assistant.errors import AssistantError
from assistant.intent import Intent, Month, MutualDefence, Named, Parties, Topic, Years
from assistant.kinds import KINDS
from assistant.parse import Parser, Refusal
from assistant.run import Database, Result
from assistant.vocabulary import Vocabulary
from assistant.wording import changes, describe, interpretation, question_words, sentence

log = logging.getLogger(__name__)
CONTRACT_KEYS = ("question", "status", "interpretation", "answer", "sql", "columns", "rows", "row_count", "chart",
                 "suggestions", "elapsed_ms")


@dataclass
class Answer:
    question: str
    status: str
    interpretation: str
    answer: str
    sql: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    row_count: int = 0
    chart: dict | None = None
    suggestions: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    kind: str | None = None  # the intent kind, for the page and the suites (added to the contract)
    brief: str | None = None  # the brief's figure beside ours, where the question asks for one (added too)
    changed: list[str] = field(default_factory=list)  # what the reading changed in the question (typos, cuts)
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage; not part of the JSON

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("timings")
        return d

    def as_text(self) -> str:
        lines = [self.answer, f"  ({self.interpretation})"]
        if self.rows:
            lines.append("  " + " | ".join(self.columns))
            lines += ["  " + " | ".join(str(v) for v in r) for r in self.rows[:20]]
            if len(self.rows) > 20:
                lines.append(f"  ... {len(self.rows) - 20} more rows")
        if self.suggestions:
            lines.append("  Try: " + " / ".join(self.suggestions))
        return "\n".join(lines)


def _json_value(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    return v


CHECKED_MAX = 2000  # offered questions whose answers an engine remembers (then it starts afresh)


class Engine:
    """Everything an answer needs, loaded once per process: the database, the words, the parser."""

    def __init__(self, db: Database, strict: bool = False):
        self.db = db
        # strict: an internal error is raised, not turned into a polite answer (tests and suites use it,
        # so that a bug can never pass as "Sorry, I could not answer that").
        self.strict = strict
        self.vocab = Vocabulary(db.dataset)
        self._as_of: dict[dt.date, Engine] = {}
        self._as_of_lock = threading.Lock()
        self._checked: dict[str, tuple[str, int]] = {}  # offered questions -> (status, rows): see _status_of

    @classmethod
    def load(cls, data_dir=None, strict: bool = False, until: dt.date | None = None) -> Engine:
        """The engine over data/; with `until`, over the data as it stood that day (rows signed up to it)."""
        return cls(Database.from_data(data_dir, until), strict)

    def as_of(self, day: dt.date | None) -> Engine:
        """The same engine over the data as it stood on `day` (built once, then kept): a suite written against
        older data runs on it, so rows added since cannot change its pinned numbers."""
        if day is None or day == self.db.dataset.until:
            return self
        with self._as_of_lock:
            if day not in self._as_of:
                self._as_of[day] = Engine(Database.from_dataset(self.db.dataset.as_of(day)), self.strict)
            return self._as_of[day]

    def conversation(self) -> Conversation:
        return Conversation(self)

    def answer(self, question: str, previous: Intent | None = None,
               broaden: bool = True, explain: bool = True) -> tuple[Answer, Intent | None]:
        start = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(stage: str, t0: float) -> float:
            now = time.perf_counter()
            timings[stage] = (now - t0) * 1000
            return now

        question = question if isinstance(question, str) else str(question)
        try:
            t = time.perf_counter()
            parsed = Parser(self.vocab).parse(question, previous)
            t = lap("parse", t)
            if isinstance(parsed, Refusal) and not explain:
                return self._finish(Answer(question, parsed.status, "", parsed.answer), start, timings), None
            if isinstance(parsed, Refusal):
                said, offered = declines.explain(self.vocab, question, parsed.status, parsed.answer,
                                                 list(parsed.suggestions), self._status_of)
                a = Answer(question, parsed.status, parsed.interpretation, sentence(said), suggestions=offered)
                return self._finish(a, start, timings), None
            intent = parsed
            kind = KINDS.get(intent.kind)
            query = kind.sql(intent).limit(build_sql.MAX_ROWS) if kind else build_sql.build(intent)
            t = lap("build_sql", t)
            sql = validate.accept(query)
            t = lap("validate", t)
            result = self.db.execute(sql)
            t = lap("execute", t)
            answer = self._compose(question, intent, sql, result)
            t = lap("answer", t)
            answer.chart = choose_chart(intent, result.columns, result.rows, _title(question, answer),
                                        period=self.db.dataset.period if self.db.dataset else "")
            if intent.chart and answer.chart is None and (previous is None or previous.chart != intent.chart):
                # "show that as a chart / on a map" that cannot be drawn: say so rather than ignore it.
                view = {"map": "on a map", "line": "as a line chart", "bar": "as a bar chart", "network": "as a network",
                        "heatmap": "as a heatmap", "table": "as a table"}.get(intent.chart, "as a chart")
                why = "there is nothing to draw" if not result.rows else "this result has no shape that view can show"
                answer.answer = f"I can't show this {view}: {why}. " + answer.answer
            lap("chart", t)
            answer.brief = figures.beside(intent, self.db.dataset.last_date if self.db.dataset else figures.BRIEF_END)
            answer.changed = changes(self.vocab, intent, question)
            if broaden and is_empty(intent, answer):  # follow-ups of nothing lead nowhere: offer wider questions
                answer.suggestions = self.broader(intent)
            return self._finish(answer, start, timings), intent
        except AssistantError as e:
            a = Answer(question, "unsupported", "I could not turn this into a safe query.", e.message,
                       suggestions=list(self.vocab.suggestions["starter"][:3]))
            return self._finish(a, start, timings), None
        except Exception:  # never a traceback for the user; the log keeps it for us
            if self.strict:
                raise
            log.exception("failed to answer %r", question)
            a = Answer(question, "unsupported", "Something went wrong while answering.",
                       "Sorry, I could not answer that. Please rephrase it, or try one of the suggestions.",
                       suggestions=list(self.vocab.suggestions["starter"][:3]))
            return self._finish(a, start, timings), None

    def _status_of(self, question: str) -> tuple[str, int]:
        """Whether a question offered to the user has an answer (status, rows), remembered per engine: its data
        never changes, and the same few suggestions are checked again and again."""
        known = self._checked.get(question)
        if known is None:
            a, _ = self.answer(question, broaden=False, explain=False)
            if len(self._checked) >= CHECKED_MAX:
                self._checked.clear()
            known = self._checked[question] = (a.status, a.row_count)
        return known

    def broader(self, intent: Intent, limit: int = 3) -> list[str]:
        """Questions that drop one condition of an empty answer, each checked to have an answer with rows."""
        found = []
        for question in broader_questions(self.vocab, intent):
            status, rows = self._status_of(question)
            if status == "ok" and rows and question not in found:
                found.append(question)
            if len(found) == limit:
                break
        return found or list(self.vocab.suggestions["starter"][:2])

    @staticmethod
    def _finish(a: Answer, start: float, timings: dict[str, float]) -> Answer:
        a.elapsed_ms = round((time.perf_counter() - start) * 1000, 3)
        a.timings = timings
        return a

    def _compose(self, question: str, intent: Intent, sql: str, result: Result) -> Answer:
        columns = list(result.columns)
        rows = [list(r) for r in result.rows]
        row_count = len(rows)
        if "n_matching" in columns:
            i = columns.index("n_matching")
            row_count = rows[0][i] if rows else 0
            columns.pop(i)
            for r in rows:
                r.pop(i)
        kind = KINDS.get(intent.kind)
        text = sentence((kind.describe if kind else describe)(self.vocab, intent, columns, rows, row_count))
        said = (kind.interpretation if kind else interpretation)(self.vocab, intent)
        if kind and intent.notes:
            said = said.rstrip(".") + ". Note: " + "; ".join(dict.fromkeys(intent.notes)) + "."
        if self.vocab.period not in said and not any(f.slot == "time" for f in intent.filters):
            said = said.rstrip() + " " + self.vocab.templates["period_covered"]  # the dates every answer covers
        suggestions = follow_ups(self.vocab, intent)
        return Answer(question, "ok", said, text, sql, columns,
                      [[_json_value(v) for v in r] for r in rows], row_count, None, suggestions, kind=intent.kind)


def follow_ups(vocab: Vocabulary, intent: Intent) -> list[str]:
    """The follow-up questions worth offering: none that would repeat what the answer already is or shows.

    What an answer already is, in the words of suggestions.yaml's `unless`: a filter slot it has (time, scope,
    topic, mutual), one_year, per_year (counted per year), over_time (per year or month), a chart it is
    drawn as (chart_line, chart_map, chart_auto ...) and top_10 (ten or more ranked already).
    """
    slots = {f.slot for f in intent.filters}
    one_year = any((isinstance(f, Years) and f.start is not None and f.start == f.end) or isinstance(f, Month)
                   for f in intent.filters)
    if one_year:
        slots.add("one_year")
    if "year" in intent.dims:
        slots.add("per_year")
    slots.add("over_time" if {"year", "month"} & set(intent.dims) else "not_over_time")
    if intent.chart:
        slots.add(f"chart_{intent.chart}")
    if intent.n and intent.n >= 10:
        slots.add("top_10")
    return [s["q"] for s in vocab.suggestions["follow_up"].get(intent.kind, []) if not set(s.get("unless", [])) & slots]


def is_empty(intent: Intent, answer: Answer) -> bool:
    """An answer that found nothing ('never' finding no state is an answer: it shares with all of them)."""
    if answer.status != "ok" or intent.kind == "never":
        return False
    if intent.kind == "share":
        return not answer.rows or not answer.rows[0][1]
    return not answer.row_count


def broader_questions(vocab: Vocabulary, intent: Intent) -> list[str]:
    """Wider questions for an empty answer: one condition left out at a time, then each condition alone."""
    order = (Topic, Parties, MutualDefence, Years, Month)  # "on cyber involving Malta signed in 2016"
    filters = sorted(intent.filters, key=lambda f: next((i for i, t in enumerate(order) if isinstance(f, t)), 9))
    parts = [(f, question_words(vocab, f)) for f in filters]
    said = [(f, w) for f, w in parts if w]
    out = []
    if intent.kind == "partners" and intent.focus and intent.filters:
        out.append(f"Who are {intent.focus_label or vocab.name_list(intent.focus)}'s partners?")
    # One condition left out at a time; then each condition alone.
    keep = [[x for x in said if x is not d] for d in reversed(said)] + ([[x] for x in said] if len(said) > 2 else [])
    for kept in keep:
        words = [w for _, w in kept]
        scope = next((w for w in words if w in ("bilateral", "plurilateral")), "")
        rest = " ".join(w for w in words if w not in ("bilateral", "plurilateral"))
        q = " ".join(f"How many {scope} agreements {rest}".split()).rstrip() + "?"
        if q != "How many agreements?":
            out.append(q)
    return out


def _title(question: str, answer: Answer) -> str:
    q = question.strip()
    return q if len(q) <= 90 else q[:87] + "..."


class Conversation:
    """One conversation: later questions may lean on the previous intent ("And Germany?")."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.previous: Intent | None = None
        self.readings: list[str] = []  # the readings offered by the last 'clarify' answer

    def ask(self, question: str) -> Answer:
        chosen = pick_reading(question, self.readings)
        if chosen:  # "I mean strategic partnerships": the reply picks one of the readings just offered
            answer, intent = self.engine.answer(chosen, self.previous)
            answer.question = question
            answer.interpretation = f"Taking your reply as: '{chosen}'. {answer.interpretation}"
        else:
            answer, intent = self.engine.answer(question, self.previous)
        self.readings = list(answer.suggestions) if answer.status == "clarify" else []
        if intent is not None:
            self.previous = remember(intent, answer)
        return answer


def remember(intent: Intent, answer: Answer) -> Intent:
    """The intent, with the few agreements or states its answer named ("tell me more about it")."""
    cols, rows = answer.columns, answer.rows
    ids = tuple(r[cols.index("agreement_id")] for r in rows) if "agreement_id" in cols and len(rows) <= 10 else ()
    if not ids:  # "Who signed it?" still talks about the agreement it named
        ids = next((f.ids for f in intent.filters if isinstance(f, Named) and not f.exclude), ())
    states = ()
    if "code" in cols and rows and (len(rows) <= 3 or intent.n):
        states = tuple(r[cols.index("code")] for r in rows[:max(5, intent.n or 0)])  # a top 10: all ten
    return intent.with_(cited=ids, cited_states=states)


REPLY = re.compile(r"^\s*(i mean|i meant|meaning|no[,.]? i mean|yes[,.]?|the (first|second|former|latter)( one)?|"
                   r"(the )?(first|second|1st|2nd) (one|reading|option))\b", re.IGNORECASE)


def pick_reading(reply: str, readings: list[str]) -> str | None:
    """The offered reading a short reply chooses: 'the second one', 'I mean strategic partnerships'."""
    if not readings or not isinstance(reply, str):
        return None
    m = REPLY.match(reply)
    ordinal = re.search(r"\b(first|1st|former|second|2nd|latter)\b", reply.lower())
    if m and ordinal and len(reply.split()) <= 4:
        index = 0 if ordinal[1] in ("first", "1st", "former") else 1
        return readings[index] if index < len(readings) else None
    if not m:  # a bare reply names what distinguishes one reading: "together", "each", "strategic partnerships"
        words = re.findall(r"\w+", reply.lower())
        matching = [r for r in readings if words and all(re.search(rf"\b{re.escape(w)}\b", r.lower()) for w in words)]
        return matching[0] if len(words) <= 3 and len(matching) == 1 else None
    hit = process.extractOne(REPLY.sub("", reply), readings, scorer=fuzz.token_set_ratio, score_cutoff=70,
                             processor=utils.default_process)
    return hit[0] if hit and m else None
