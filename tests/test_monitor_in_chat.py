"""Issue 12, item 7: overlaps, gaps and what is new answered in the chat, agreeing with the Monitor page's own
functions (assistant/monitor.py) on the same data."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.charts import europe
from assistant.monitor import gaps, land_neighbours, neighbours_without, overlaps

CASES = [  # (question, the Monitor's figure for it)
    ("Which agreements overlap?", lambda d: len(overlaps(d))),
    ("are there overlaps on air defence?", lambda d: len(overlaps(d, topics=("air_defence",)))),
    ("overlapping agreements involving Estonia",
     lambda d: sum("EE" in o.pair for o in overlaps(d))),
    ("Which EU states have no agreement with Ukraine?", lambda d: len(gaps(d, "UA"))),
    ("which eu countries have never signed anything with the uk", lambda d: len(gaps(d, "GB"))),
    ("Which neighbours have no agreement with each other?",
     lambda d: len(neighbours_without(d, land_neighbours(europe(), {c.code for c in d.countries})))),
    ("does Hungary have neighbours it has no agreement with?",
     lambda d: sum("HU" in p for p in neighbours_without(d, land_neighbours(europe(), {c.code for c in d.countries})))),
]


@pytest.mark.parametrize(("question", "figure"), CASES, ids=[c[0] for c in CASES])
def test_the_chat_agrees_with_the_monitor(engine, question, figure):
    answer, _ = engine.answer(question)
    assert answer.status == "ok"
    assert answer.row_count == figure(engine.db.dataset) > 0


def test_an_overlap_row_names_both_agreements_and_the_days_between(engine):
    answer, _ = engine.answer("Which agreements overlap?")
    row = dict(zip(answer.columns, answer.rows[0], strict=True))
    first, second = dt.date.fromisoformat(str(row["earlier_date"])), dt.date.fromisoformat(str(row["signed_date"]))
    assert row["earlier_id"] != row["agreement_id"] and 0 <= row["days_apart"] == (second - first).days <= 365
    assert "within 12 months" in answer.interpretation
