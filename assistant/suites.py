"""Canned question suites: load (YAML or CSV), run through the engine, compare, report, pin.

A suite is a list of conversations; each turn has a question and what is expected of its answer.
Expected results are written independently of the parser: as reference SQL run on the same
database, or as values. Keys a case may set (all optional but `q`):

    q:          the question
    status:     ok | clarify | unsupported (default ok), or a list of the acceptable ones
    kind:       the intent kind (count, list, partners, ...)
    sql:        reference SQL; the answer's rows must equal its rows in every column it names (the first
                columns, or the last ones with `columns: last`), order-insensitive unless `ordered`
    count:      the answer's row_count (for count/list questions: the number of agreements)
    value:      a single value the first row must contain (e.g. a percentage)
    contains:   text the answer must contain (case-insensitive), or a list of such texts
    interpretation_contains: text the interpretation must contain
    ids:        agreement ids the rows must hold exactly (for lists)
    codes:      country codes the rows' `code` column must hold exactly (for sets of states)

A YAML suite may be a mapping with `cases:` and `data_until: YYYY-MM-DD`, the day of the data it was
written against: it then runs on the data as it stood that day (only the rows signed up to it), so that
rows added later cannot change its pinned counts. Without it, a suite runs on all the data.

In YAML, a case may be a plain question, a mapping, or a mapping `{conversation: [case, ...]}` whose
turns are asked in order in one conversation. A CSV suite (for spreadsheets) has the columns
question, expected_status, expected_count, expected_contains (and optional conversation: turns with
the same conversation id are asked in order). A case pinned from an answer also keeps the reading it was
pinned with — the registry's data version and the answer's SQL (pinned_version, pinned_sql) — so that a later
failure can be told apart: "the data changed" (the same SQL; the rows added, corrected or withdrawn since the
pin that explain it) or "the reading changed" (other SQL: a regression or an improvement to review).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import Answer, Engine


@dataclass(frozen=True)
class Case:
    q: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Suite:
    name: str
    conversations: tuple[tuple[Case, ...], ...]
    data_until: dt.date | None = None  # written against the data as it stood that day (None: all the data)

    @property
    def size(self) -> int:
        return sum(len(c) for c in self.conversations)


@dataclass
class CaseResult:
    suite: str
    question: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)
    answer: Answer | None = None
    in_conversation: bool = False  # a turn of a multi-turn conversation (scored apart from single questions)


def _case(item) -> Case:
    if isinstance(item, str):
        return Case(item, {})
    item = dict(item)
    return Case(str(item.pop("q")), item)


def load_suite(path: Path | str) -> Suite:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _load_csv(path)
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    items = data.get("cases", []) if isinstance(data, dict) else data
    conversations = []
    for item in items:
        if isinstance(item, dict) and "conversation" in item:
            conversations.append(tuple(_case(t) for t in item["conversation"]))
        else:
            conversations.append((_case(item),))
    until = data.get("data_until") if isinstance(data, dict) else None
    return Suite(path.stem, tuple(conversations), _day(path, until))


def _day(path: Path, value) -> dt.date | None:
    """`data_until` as a date; YAML reads 2025-09-30 as one already."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{path.name}: data_until {value!r} is not a date in the form YYYY-MM-DD.") from None


def _load_csv(path: Path) -> Suite:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    groups: dict[str, list[Case]] = {}
    for i, r in enumerate(rows):
        expect: dict[str, Any] = {}
        if (r.get("expected_status") or "").strip():
            expect["status"] = r["expected_status"].strip()
        if (r.get("expected_count") or "").strip():
            expect["count"] = int(float(r["expected_count"]))
        if (r.get("expected_contains") or "").strip():
            expect["contains"] = r["expected_contains"].strip()
        if (r.get("pinned_version") or "").strip().isdigit():
            expect["pinned_version"] = int(r["pinned_version"])
        if (r.get("pinned_sql") or "").strip():
            expect["pinned_sql"] = r["pinned_sql"].strip()
        key = (r.get("conversation") or "").strip() or f"row{i}"
        groups.setdefault(key, []).append(Case((r.get("question") or "").strip(), expect))
    return Suite(path.stem, tuple(tuple(g) for g in groups.values()))


def _normal(rows, codes: dict[str, str] | None = None) -> list[tuple]:
    """Rows as comparable tuples: floats to one decimal, and (ANSWER_CONTRACT: "countries may be shown by name
    or code") a country's name read as its code."""
    codes = codes or {}

    def value(v):
        if isinstance(v, list):
            return tuple(v)
        if isinstance(v, float):
            return round(v, 1)
        return codes.get(v, v) if isinstance(v, str) else v

    return [tuple(value(v) for v in r) for r in rows]


def _statuses(expect: dict[str, Any]) -> tuple[str, ...]:
    status = expect.get("status", "ok")
    return tuple(status) if isinstance(status, (list, tuple)) else (status,)


def compare(engine: Engine, answer: Answer, expect: dict[str, Any]) -> list[str]:
    """What is wrong with `answer` given `expect`; empty when it passes.

    Every column a reference query names is compared: the answer's first columns (or, with
    `columns: last`, its last ones) must equal them, so a wrong label or count cannot pass.
    """
    from assistant.answer import _json_value

    problems = []
    statuses = _statuses(expect)
    if answer.status not in statuses:
        problems.append(f"status: expected {' or '.join(statuses)}, got {answer.status} ({answer.answer[:120]})")
        return problems
    if answer.status != "ok":
        return problems
    if "kind" in expect and answer.kind != expect["kind"]:
        problems.append(f"kind: expected {expect['kind']}, got {answer.kind}")
    if "sql" in expect:
        result = engine.db.execute(expect["sql"])
        want = [[_json_value(v) for v in r] for r in result.rows]
        width = len(result.columns)
        if len(answer.columns) < width:
            problems.append(f"columns: expected at least {width} columns, got {answer.columns}")
        else:
            last = expect.get("columns") == "last"
            got = [r[-width:] if last else r[:width] for r in answer.rows]
            names = engine.vocab.codes_by_name
            w, g = _normal(want, names), _normal(got, names)
            if not expect.get("ordered"):
                w, g = sorted(w, key=repr), sorted(g, key=repr)
            if w != g:
                problems.append(f"rows: expected {len(w)} rows {w[:4]}..., got {len(g)} rows {g[:4]}...")
    if "count" in expect and answer.row_count != expect["count"]:
        problems.append(f"count: expected {expect['count']}, got {answer.row_count}")
    if "value" in expect:
        first = answer.rows[0] if answer.rows else []
        if not any(v == expect["value"] or (isinstance(v, float) and round(v, 1) == expect["value"]) for v in first):
            problems.append(f"value: expected {expect['value']} in the first row, got {first}")
    if "ids" in expect:
        got_ids = sorted(r[answer.columns.index("agreement_id")] for r in answer.rows) \
            if "agreement_id" in answer.columns else []
        if got_ids != sorted(expect["ids"]):
            problems.append(f"ids: expected {sorted(expect['ids'])}, got {got_ids}")
    if "codes" in expect:
        got_codes = sorted(r[answer.columns.index("code")] for r in answer.rows) if "code" in answer.columns else \
            sorted(engine.vocab.codes_by_name.get(r[0], r[0]) for r in answer.rows if r)
        if got_codes != sorted(expect["codes"]):
            problems.append(f"codes: expected {sorted(expect['codes'])}, got {got_codes}")
    texts = expect.get("contains", [])
    for text in [texts] if isinstance(texts, str) else texts:
        if str(text).lower() not in answer.answer.lower():
            problems.append(f"answer should contain {text!r}: {answer.answer[:160]}")
    if "interpretation_contains" in expect and \
            expect["interpretation_contains"].lower() not in answer.interpretation.lower():
        problems.append(f"interpretation should contain {expect['interpretation_contains']!r}: {answer.interpretation}")
    return problems


def run_suite(engine: Engine, suite: Suite) -> list[CaseResult]:
    engine = engine.as_of(suite.data_until)  # the data the suite was written against
    results = []
    for turns in suite.conversations:
        conversation = engine.conversation()
        broken = False
        for case in turns:
            if broken:  # the conversation cannot go on after an internal error
                results.append(CaseResult(suite.name, case.q, False, ["not asked: an earlier turn failed internally"],
                                          case.expect, None, len(turns) > 1))
                continue
            try:
                answer = conversation.ask(case.q)
            except Exception as e:  # an internal error is a failure of the assistant, never a pass
                results.append(CaseResult(suite.name, case.q, False, [f"internal error: {e!r}"], case.expect, None,
                                          len(turns) > 1))
                broken = True
                continue
            try:
                problems = compare(engine, answer, case.expect)
            except Exception as e:  # a broken reference SQL is the suite's fault; report it, go on
                problems = [f"the expected result could not be computed: {e}"]
            results.append(CaseResult(suite.name, case.q, not problems, problems, case.expect, answer, len(turns) > 1))
    return results


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def report(results: list[CaseResult]) -> tuple[str, bool]:
    failed = [r for r in results if not r.ok]
    lines = []
    for r in failed:
        lines.append(f"FAIL [{r.suite}] {r.question!r}")
        lines += [f"     {p}" for p in r.problems]
    elapsed = [r.answer.elapsed_ms for r in results if r.answer]
    n = len(results)
    accuracy = 100.0 * (n - len(failed)) / n if n else 0.0
    # Confidently wrong: an `ok` answer that fails, whether it should have been another answer or no answer at all.
    wrong_ok = sum(1 for r in failed if r.answer and r.answer.status == "ok")
    lines.append(f"{n - len(failed)}/{n} passed ({accuracy:.1f}%); confidently wrong (ok but wrong): {wrong_ok}; "
                 f"elapsed_ms p50 {statistics.median(elapsed) if elapsed else 0:.1f}, p95 {percentile(elapsed, 95):.1f}")
    for label, part in (("single questions", [r for r in results if not r.in_conversation]),
                        ("conversation turns", [r for r in results if r.in_conversation])):
        if part:
            passed = sum(r.ok for r in part)
            lines.append(f"  {label}: {passed}/{len(part)} ({100.0 * passed / len(part):.1f}%)")
    return "\n".join(lines), not failed and n > 0


def _snapshot(answer: Answer, version: int | None = None) -> dict[str, Any]:
    expect: dict[str, Any] = {"status": answer.status}
    if answer.status == "ok":
        expect["count"] = answer.row_count
    if version is not None:
        expect["pinned_version"] = version
    if answer.sql:
        expect["pinned_sql"] = answer.sql
    return expect


CSV_COLUMNS = ["question", "expected_status", "expected_count", "expected_contains", "conversation",
               "pinned_version", "pinned_sql"]


def _csv_row(q: str, expect: dict[str, Any], group: str, contains: str = "") -> dict[str, str]:
    return {"question": q, "expected_status": expect["status"], "expected_count": str(expect.get("count", "")),
            "expected_contains": contains, "conversation": group,
            "pinned_version": str(expect.get("pinned_version", "")), "pinned_sql": expect.get("pinned_sql", "")}


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def pin(path: Path | str, question: str, answer: Answer, earlier: Sequence[Answer] = (),
        version: int | None = None) -> None:
    """Append a question with its current result as the expected one (a snapshot) to a CSV or YAML suite, with
    the reading it was pinned with (`version`: the registry's data version; the answer's SQL).

    `earlier` are the answers before it in the same conversation: a follow-up ("And Germany?") is only
    meaningful after them, so they are pinned with it as one conversation, each with its own snapshot.
    """
    path = Path(path)
    turns = [(a.question, _snapshot(a, version)) for a in earlier] + [(question, _snapshot(answer, version))]
    if path.suffix.lower() == ".csv":
        rows: list[dict[str, str]] = []
        if path.exists():
            with open(path, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
        group = f"pin{len(rows) + 1}" if len(turns) > 1 else ""
        rows += [_csv_row(q, expect, group) for q, expect in turns]
        _write_csv(path, rows)
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    suite = dict(data) if isinstance(data, dict) else {"cases": data or []}
    cases = suite.setdefault("cases", [])
    items = [{"q": q, **expect} for q, expect in turns]
    cases.append(items[0] if len(items) == 1 else {"conversation": items})
    # Other keys (data_until) stay; the caller pins with an engine over the same data (Engine.as_of).
    path.write_text(yaml.safe_dump(suite, sort_keys=False, allow_unicode=True), encoding="utf-8")


DATA_CHANGED, READING_CHANGED = "the data changed", "the reading changed"


@dataclass(frozen=True)
class Diagnosis:
    """Why a pinned case's result changed: the verdict and the rows that explain it."""

    verdict: str  # DATA_CHANGED, READING_CHANGED, or "" (not pinned with its reading, or nothing to say)
    rows: tuple[str, ...] = ()  # "added A0362 Title", "corrected A0001 (title)", "withdrawn A0361 Title"

    def words(self) -> str:
        if not self.verdict:
            return ""
        return self.verdict + (": " + "; ".join(self.rows) if self.rows else "")


def _ids(engine: Engine, sql: str) -> set[str]:
    result = engine.db.execute(sql)
    if "agreement_id" not in result.columns:
        return set()
    i = result.columns.index("agreement_id")
    return {r[i] for r in result.rows}


def diagnose(result: CaseResult, version: int, engine_now: Engine, engine_at: Callable[[int], Engine],
             changes: Sequence[Any]) -> Diagnosis:
    """Tell a failed pinned case's cause: other SQL than pinned -> the reading changed; the same SQL on a newer
    data version -> the data changed, with the registry's changes since the pin (`changes`: LoggedChange lines)
    that touch the rows the SQL returns then or now (all of them when the answer lists no agreements)."""
    e, a = result.expected, result.answer
    if result.ok or a is None or "pinned_sql" not in e:
        return Diagnosis("")
    if (a.sql or "") != e["pinned_sql"]:
        return Diagnosis(READING_CHANGED, ("SQL now: " + " ".join((a.sql or "none").split()),))
    then = e.get("pinned_version")
    if then is None or then == version:
        return Diagnosis("")
    since = [c for c in changes if then < c.data_version <= version]
    touched = _ids(engine_at(then), e["pinned_sql"]) | _ids(engine_now, e["pinned_sql"])
    explaining = [c for c in since if c.agreement_id in touched] or since
    lines, seen = [], set()
    for c in explaining:
        if (c.agreement_id, c.action) in seen and c.action != "corrected":
            continue
        seen.add((c.agreement_id, c.action))
        title = json.loads(c.new_value or c.old_value or "{}").get("title", "") if c.action != "corrected" else ""
        what = f"{c.action} {c.agreement_id}" + (f" {title}" if title else f" ({c.column})")
        lines.append(f"{what} (version {c.data_version}, {c.changed_at[:10]})")
    return Diagnosis(DATA_CHANGED, tuple(lines))


def repin(path: Path | str, results: Sequence[CaseResult], version: int | None) -> int:
    """Re-pin a CSV check list in one go: every failed case takes its current answer (status, count, SQL) and
    `version` as the expected ones. The results must come from running this file. Returns how many changed."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):  # the order _load_csv runs them in
        groups.setdefault((r.get("conversation") or "").strip() or f"row{i}", []).append(i)
    order = [i for g in groups.values() for i in g]
    changed = 0
    for i, result in zip(order, results, strict=False):
        if not result.ok and result.answer is not None and rows[i].get("question", "").strip() == result.question:
            rows[i] = _csv_row(result.question, _snapshot(result.answer, version), rows[i].get("conversation", ""),
                               rows[i].get("expected_contains", ""))
            changed += 1
    _write_csv(path, rows)
    return changed
