"""Overlaps, gaps, neighbours and what is new (assistant/monitor.py), on small synthetic datasets and on the
bundled one; and the Monitor page."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from assistant import charts, monitor
from assistant.data import Agreement, Change, Country, Dataset
from tests.test_app import APP, TIMEOUT

D = dt.date
COUNTRIES = (Country("DE", "Germany", True, True, "Western Europe"), Country("FR", "France", True, True, "Western Europe"),
             Country("PL", "Poland", True, True, "Eastern Europe"), Country("UA", "Ukraine", False, False, "Eastern Europe"))


def row(i: int, day: dt.date, parties: str, topics: str) -> Agreement:
    p = tuple(sorted(parties.split(";")))
    return Agreement(f"A{i:04d}", f"Synthetic {i}", day, "day", day.year, p, len(p),
                     "bilateral" if len(p) == 2 else "plurilateral", "cooperation agreement",
                     tuple(topics.split(";")), False, "", "https://example.org/")


SMALL = Dataset(COUNTRIES, (
    row(1, D(2020, 1, 10), "DE;FR", "cyber;training"),
    row(2, D(2020, 11, 1), "DE;FR", "cyber"),          # 296 days after A0001 on cyber: an overlap
    row(3, D(2022, 1, 1), "DE;FR", "cyber"),           # 426 days after A0002: none
    row(4, D(2021, 3, 1), "DE;FR;PL", "training"),     # DE-FR training 416 days after A0001: none
    row(5, D(2021, 6, 1), "DE;PL", "training"),        # DE-PL training 92 days after A0004: an overlap
    row(6, D(2023, 5, 5), "PL;UA", "ukraine_support"),
), None, (Change(D(2024, 1, 1), "A0005", "added", "", "", "r"), Change(D(2025, 2, 2), "A0006", "added", "", "", "r")))


@pytest.mark.parametrize("days, topics, expected", [
    (365, (), [(("DE", "PL"), "training", "A0004", "A0005"), (("DE", "FR"), "cyber", "A0001", "A0002")]),
    (365, ("cyber",), [(("DE", "FR"), "cyber", "A0001", "A0002")]),
    (450, ("cyber",), [(("DE", "FR"), "cyber", "A0002", "A0003"), (("DE", "FR"), "cyber", "A0001", "A0002")]),
    (30, (), []),
])
def test_overlaps_are_the_same_pair_on_the_same_topic_within_the_window(days, topics, expected):
    found = monitor.overlaps(SMALL, days=days, topics=topics)
    assert [(o.pair, o.topic, o.first.agreement_id, o.second.agreement_id) for o in found] == expected


@pytest.mark.parametrize("partner, expected", [("UA", ("DE", "FR")), ("FR", ()), ("DE", ()), ("PL", ())])  # FR-PL: in A0004
def test_gaps_are_the_eu_states_with_no_agreement_with_a_partner(partner, expected):
    assert monitor.gaps(SMALL, partner) == expected


@pytest.mark.parametrize("day, expected", [(D(2023, 12, 31), ["A0006", "A0005"]), (D(2024, 1, 1), ["A0006"]),
                                           (D(2025, 2, 2), [])])
def test_new_since_follows_the_day_each_row_was_added(day, expected):
    assert [n.agreement.agreement_id for n in monitor.new_since(SMALL, day)] == expected


def test_a_registry_addition_counts_as_new_on_the_day_it_was_accepted():
    found = monitor.new_since(SMALL, D(2025, 12, 31), {"A0003": D(2026, 1, 5)})
    assert [(n.agreement.agreement_id, n.added_on) for n in found] == [("A0003", D(2026, 1, 5))]


def test_neighbours_come_from_the_maps_shared_borders(engine):
    codes = {c.code for c in engine.db.dataset.countries}
    pairs = set(monitor.land_neighbours(charts.europe(), codes))
    for pair in (("DE", "FR"), ("PL", "UA"), ("RO", "UA"), ("ES", "PT"), ("GB", "IE"), ("FI", "SE")):
        assert pair in pairs
    for pair in (("FR", "PL"), ("CY", "GR"), ("DE", "SE"), ("MT", "IT")):
        assert tuple(sorted(pair)) not in pairs  # the sea is no land border
    without = monitor.neighbours_without(engine.db.dataset, tuple(sorted(pairs)))
    assert ("DE", "FR") not in without and all(p in pairs for p in without)


def test_the_monitor_page_shows_overlaps_gaps_and_what_is_new(engine):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/6_Monitor.py").run()
    assert not at.exception and not at.error
    data = engine.db.dataset
    n_overlaps = len(monitor.overlaps(data))
    assert f"{n_overlaps} times the same pair" in at.markdown[0].value.replace("*", "")
    gaps = at.dataframe[1].value
    assert list(gaps["Partner"]) == ["Ukraine", "United Kingdom", "France"]
    assert gaps["EU states with no agreement"].iloc[0] == ", ".join(
        c.name for code in monitor.gaps(data, "UA") for c in data.countries if c.code == code)
    signed_after_brief = sum(a.signed_date > dt.date(2025, 9, 30) for a in data.agreements)
    assert any(f"{signed_after_brief} agreements signed since 2025-10-01" in m.value.replace("*", "")
               for m in at.markdown)
