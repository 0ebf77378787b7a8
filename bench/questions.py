"""The questions the benchmark asks: the canned suites when there are any, else a built-in list.

A question set is a list of conversations (tuples of questions asked in order in one conversation),
so that follow-ups ("And Germany?") are timed as they are really asked.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "tests" / "suites"

# Varied on purpose: every kind of question, filters of every sort, follow-ups, and a few refusals.
BUILTIN: list[tuple[str, ...]] = [
    ("How many agreements are in the data?",),
    ("How many agreements did Spain sign after 2020?",),
    ("How many agreements did France sign in 2024?",),
    ("How many cyber agreements were signed since 2022?",),
    ("How many bilateral agreements has Poland signed?",),
    ("How many agreements have more than 3 parties?",),
    ("How many agreements did the Baltic states sign before the invasion?",),
    ("List the agreements between France and Germany",),
    ("Which deals commit the parties to defend each other?",),
    ("Which agreements did Ukraine sign in 2024?",),
    ("Show the maritime agreements signed by Italy",),
    ("Which strategic partnerships were signed since 2022?",),
    ("Who are Slovakia's partners?",),
    ("Who are France's partners since 2022?",),
    ("Who is Germany's most frequent partner?",),
    ("Which states has Austria never signed with?",),
    ("Which countries signed the most agreements since 2022?",),
    ("Top 5 countries by number of agreements",),
    ("Which country has the most partners?",),
    ("Which pair of countries signed the most agreements?",),
    ("How many agreements were signed per year?",),
    ("Agreements per year by form",),
    ("Agreements by topic",),
    ("How many agreements per country?",),
    ("Break down the UK's agreements by year",),
    ("Agreements per region",),
    ("What share of agreements are bilateral?",),
    ("What percentage of agreements involve Germany?",),
    ("What was the first agreement signed by Ukraine?",),
    ("What is the most recent agreement signed by Poland?",),
    ("Tell me about the Treaty of Nancy",),
    ("Tell me about the Lancaster House treaties",),
    ("How many agreements did France sign?", "What about Italy?", "And Germany?", "only since 2022"),
    ("Which agreements did Estonia sign?", "Just the ones after 2020", "Show them per year"),
    ("How many letters of intent did Germany sign?", "What about France?", "Which of these are bilateral?"),
    ("What is the capital of France?",),
    ("How many agreements did Norway sign?",),
    ("DROP TABLE agreements",),
]
# The load test's questions: 25 a session, standalone and follow-ups; each session starts at a
# different place in this list, so sessions ask different things at the same moment.
LOAD: list[str] = [
    "How many agreements are in the data?",
    "Who are Slovakia's partners?",
    "How many agreements were signed per year?",
    "How many agreements did France sign?",
    "And Germany?",
    "only since 2022",
    "Which deals commit the parties to defend each other?",
    "Which countries signed the most agreements since 2022?",
    "Tell me about the Treaty of Nancy",
    "Which states has Austria never signed with?",
    "Agreements per year by form",
    "What share of agreements are bilateral?",
    "How many agreements did Spain sign after 2020?",
    "What about Italy?",
    "List the agreements between France and Germany",
    "Who is Germany's most frequent partner?",
    "Top 5 countries by number of agreements",
    "What was the first agreement signed by Ukraine?",
    "How many cyber agreements were signed since 2022?",
    "Which pair of countries signed the most agreements?",
    "Agreements by topic",
    "What is the capital of France?",
    "Which agreements did Estonia sign?",
    "Just the ones after 2020",
    "What percentage of agreements involve Germany?",
]


def suite_conversations() -> tuple[list[tuple[str, ...]], str]:
    """The canned suites' conversations and where they came from (the built-in list if none load)."""
    from assistant.suites import load_suite

    conversations: list[tuple[str, ...]] = []
    names = []
    for path in sorted(SUITES.glob("*.yaml")):
        try:
            suite = load_suite(path)
        except Exception as e:  # a suite being written right now may not parse yet
            print(f"note: skipped {path.name}: {e}")
            continue
        conversations += [tuple(case.q for case in turns) for turns in suite.conversations]
        names.append(path.stem)
    if conversations:
        return conversations, f"canned suites ({', '.join(names)})"
    return list(BUILTIN), "built-in list (no suites in tests/suites/)"
