"""The English of every suite answer: sentences start with a capital, no phrase is said twice, and none of
the clumsy phrasings staff met ("are the ones bilateral", "by agreements in agreements")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.suites import load_suite

ROOT = Path(__file__).resolve().parent.parent
CLUMSY = (
    re.compile(r"\bare the ones\b"),
    re.compile(r"\bagreements in agreements\b"),
    re.compile(r"\bin \d{4} \(\d{4}-\d\d-\d\d\)"),  # "in 2025 (2024-10-22)": a year beside another year's date
    re.compile(r"\b(\w+) \1\b"),  # a word said twice in a row
    re.compile(r"[a-z]_[a-z]"),  # a code ('industry_procurement') where its label belongs
    re.compile(r"\b(\w+)s's\b"),  # "the Netherlands's"
)


@pytest.fixture(scope="module")
def answers(engine):
    out = []
    for path in sorted((ROOT / "tests" / "suites").glob("*.yaml")):
        for conversation in load_suite(path).conversations:
            c = engine.conversation()
            out += [c.ask(case.q) for case in conversation]
    return out


@pytest.fixture(scope="module")
def quoted(engine):
    """What the data says in its own words (titles, summaries): repeated there, it is not our phrasing."""
    data = engine.db.dataset.agreements
    return sorted({a.title for a in data} | {a.summary for a in data}, key=len, reverse=True)


def _ours(text: str, quoted: list[str]) -> str:
    for q in quoted:
        if q in text:
            text = text.replace(q, " «title» ")
    return re.sub(r"'[^']*'", "«said»", text)  # the user's own words, quoted back


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=\S)", text) if s]


def test_every_suite_answer_sentence_starts_with_a_capital(answers, quoted):
    bad = [(a.question, s) for a in answers for s in _sentences(_ours(a.answer, quoted)) if s[:1].islower()]
    assert not bad, f"{len(bad)} sentences start in lower case, e.g. {bad[:5]}"


def test_no_suite_answer_repeats_a_phrase(answers, quoted):
    bad = []
    for a in answers:
        words = re.findall(r"[\w'’-]+", _ours(a.answer, quoted).lower())
        grams = [tuple(words[i:i + 4]) for i in range(len(words) - 3)]
        twice = {g for g in grams if grams.count(g) > 1 and "title" not in g and "said" not in g}
        if twice:
            bad.append((a.question, " ".join(sorted(twice)[0]), a.answer[:160]))
    assert not bad, f"{len(bad)} answers say a phrase twice, e.g. {bad[:5]}"


def test_no_suite_answer_has_a_clumsy_phrasing(answers, quoted):
    bad = [(a.question, p.pattern, a.answer[:160]) for a in answers for p in CLUMSY if p.search(_ours(a.answer, quoted))]
    assert not bad, f"{len(bad)} clumsy answers, e.g. {bad[:5]}"
