"""Properties of the whole question path (parse -> SQL -> gate -> run -> answer) on any input.

Any Unicode text up to 10,000 characters yields an Answer object, never an exception; and HTML typed
into a question never comes back unescaped in the answer, the interpretation or the suggestions.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.answer import Answer, Engine

STATUSES = ("ok", "clarify", "unsupported")
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Words the parser knows, so that generated questions also reach SQL, the gate and the database.
WORDS = [
    "how many", "agreements", "did", "France", "Germany", "Ukraine", "the UK", "Poland", "sign", "signed", "in",
    "2024", "since 2022", "after 2020", "before the invasion", "per year", "by form", "top 5", "countries",
    "which", "who are", "partners", "of", "with", "and", "bilateral", "plurilateral", "cyber", "maritime",
    "training", "strategic partnership", "mutual defence", "most", "first", "latest", "share", "percentage",
    "Baltic states", "Nordic", "never", "what about", "only", "those", "?", "'", '"', ";", "--", "/*",
    "Tell me about", "Treaty of Nancy", "Lancaster House", "more than 3 parties", "March 2024", "between",
]
# HTML a user (or an attacker pasting into the chat) might type.
HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold</b>", "<a href='javascript:x'>y</a>",
    "<svg onload=alert(1)>", "</div><script>x</script>", "<iframe src=//evil>", "<!-- c -->", "<style>*{}</style>",
    "<h1>France</h1>", "<p>Germany", "<br/>",
]
TAG = re.compile(r"<[A-Za-z!/?]")

any_text = st.text(max_size=10_000)
# Lone surrogates and control characters are Unicode a str can hold even if no keyboard types them.
raw_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=2_000)
long_text = st.builds(lambda piece, n: (piece * (n // len(piece) + 1))[:n],
                      st.text(min_size=1, max_size=40), st.integers(min_value=900, max_value=10_000))
question_like = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=14).map(" ".join)
# Real questions with noise spliced in somewhere: these mostly reach SQL and the database.
QUESTIONS = [
    "How many agreements did Spain sign after 2020?", "Who are Slovakia's partners?",
    "Which countries signed the most agreements since 2022?", "Agreements per year by form",
    "Tell me about the Treaty of Nancy", "Which states has Austria never signed with?",
    "What share of agreements are bilateral?", "List the cyber agreements signed by Estonia",
]
PUNCTUATION = " ?!.,'\"-;:()[]{}<>&%$#@*+=/\\|~^`\t\n\u00a0\u200b\u2019"
noisy_question = st.builds(lambda q, noise, at: q[: at % (len(q) + 1)] + noise + q[at % (len(q) + 1):],
                           st.sampled_from(QUESTIONS), st.one_of(st.text(max_size=8), st.text(PUNCTUATION, max_size=6)),
                           st.integers(0, 200))
texts = st.one_of(any_text, raw_text, long_text, question_like, noisy_question, noisy_question)


def _check(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer)
    assert answer.status in STATUSES
    assert answer.question == question
    assert isinstance(answer.answer, str) and answer.answer
    assert isinstance(answer.interpretation, str)
    if answer.status != "ok":
        assert answer.sql is None


def _echoed_html(answer: Answer) -> list[str]:
    shown = [answer.answer, answer.interpretation, *answer.suggestions]
    return [text for text in shown if TAG.search(text)]


@PROPERTY
@given(question=texts)
def test_any_text_yields_an_answer(engine: Engine, question: str):
    answer, _ = engine.answer(question)
    _check(answer, question)
    event(f"status {answer.status}")  # --hypothesis-show-statistics shows how deep the inputs reach


@PROPERTY
@given(question=texts)
def test_any_text_as_a_follow_up_yields_an_answer(engine: Engine, question: str):
    conversation = engine.conversation()
    conversation.ask("How many agreements did France sign since 2022?")
    answer = conversation.ask(question)
    _check(answer, question)
    event(f"status {answer.status}")


@PROPERTY
@given(before=question_like, html=st.sampled_from(HTML), after=question_like)
def test_html_in_a_question_is_never_echoed_raw(engine: Engine, before: str, html: str, after: str):
    question = f"{before} {html} {after}"
    answer, _ = engine.answer(question)
    _check(answer, question)
    assert not _echoed_html(answer), answer


# Quoted words become a title/summary search and are repeated in the interpretation and the answer.
QUOTED = [f'Which agreements mention "{h}"?' for h in HTML if 2 <= len(h) <= 60] + [
    'How many agreements did France sign mentioning "<script>alert(1)</script>"?',
    'Agreements with "<b>x</b>" since 2022',
]


@PROPERTY
@given(question=st.sampled_from(QUOTED))
def test_html_in_quotes_is_never_echoed_raw(engine: Engine, question: str):
    answer, _ = engine.answer(question)
    _check(answer, question)
    assert not _echoed_html(answer), answer


@pytest.mark.parametrize("question", [
    "<script>alert(1)</script>",
    "How many agreements did <b>France</b> sign?",
    "Who are <img src=x onerror=alert(1)>'s partners?",
    "Agreements per year </div><script>x</script>",
    "<!-- How many agreements? -->",
])
def test_html_outside_quotes_is_not_echoed(engine: Engine, question: str):
    answer, _ = engine.answer(question)
    _check(answer, question)
    assert not _echoed_html(answer), answer


# The coverage rule (issue 11): a content word the assistant cannot place, put into a question it answers,
# never yields an `ok` answer that leaves the word out. It is asked back or declined, or it is used — and
# then the interpretation says how (a typo read as a known word, a title search).
def _answered_questions() -> list[str]:
    from pathlib import Path

    from assistant.suites import load_suite

    questions = []
    for path in sorted((Path(__file__).parent / "suites").glob("*.yaml")):
        for turns in load_suite(path).conversations:
            if len(turns) == 1 and turns[0].expect.get("status", "ok") == "ok":
                questions.append(turns[0].q)
    return questions


ANSWERED = _answered_questions()
# Real words the data has no place for (nouns, attributes it lacks) and made-up ones.
UNPLACEABLE = ["ratified", "in force", "expired", "legally binding", "volcano", "bananas", "teachers", "orchestra",
               "pensions", "vaccines", "tourism", "elections", "astronauts", "lottery", "bicycles", "copper", "poetry",
               "hospitals", "football", "farmers", "tariffs", "emissions", "unicorns", "the big", "the important",
               "zorblat", "quennix", "flimdrop", "vextor", "plumbatic"]
made_up = st.from_regex(r"\A[bcdfgjklmnpqvwxz]{2}[aeiou][bcdfgjklmnpqvwxz]{2}[aeiou]?[bcdfgjklmnpqvwxz]\Z")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(question=st.sampled_from(ANSWERED), word=st.one_of(st.sampled_from(UNPLACEABLE), made_up),
       at=st.integers(0, 40))
def test_a_word_that_cannot_be_placed_is_never_silently_dropped(engine: Engine, question: str, word: str, at: int):
    words = question.rstrip("?").split()
    at = at % (len(words) + 1)
    asked = " ".join(words[:at] + [word] + words[at:]) + "?"
    answer, _ = engine.answer(asked)
    _check(answer, asked)
    if answer.status == "ok":
        used = word.split()[-1].lower()
        assert used[:5] in answer.interpretation.lower(), (asked, answer.interpretation)


def test_the_coverage_property_has_questions_to_work_on():
    assert len(ANSWERED) > 300
