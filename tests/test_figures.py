"""The brief's headline figures, reproduced from data/ within the tolerances documented in data/README.md."""

import pytest

from assistant.figures import FIGURES, compute


@pytest.fixture(scope="module")
def ours(engine):
    return {f.label: value for f, value in compute(engine.db)}


def number(text: str) -> int:
    return int(text.split()[0])


TOLERANCES = [
    ("Agreements in all, 2014 - Sept 2025", lambda v: number(v) >= 160),
    ("Signed in 2025 (to September)", lambda v: abs(number(v) - 36) <= 5),
    ("Industry / procurement agreements in 2025", lambda v: 15 <= number(v) <= 25),
    ("Bilateral agreements with a mutual defence clause", lambda v: number(v) == 6),
    ("... of which France / UK / Germany", lambda v: v == "3 / 3 / 2"),
    ("States with a mutual defence clause", lambda v: set(v.split(", ")) == {"DE", "FI", "FR", "GB", "GR", "PL", "SE"}),
    ("EU states with a comprehensive agreement with Ukraine", lambda v: number(v) == 21),
    ("Partner states of France", lambda v: number(v) > 20),
    ("Partner states of Germany", lambda v: number(v) > 20),
    ("Main EU hubs (most agreements)", lambda v: {"France", "Germany"} <= set(v.split(", "))),
]


@pytest.mark.parametrize("label,within", TOLERANCES, ids=[t[0] for t in TOLERANCES])
def test_brief_figure_is_reproduced_within_its_tolerance(ours, label, within):
    assert within(ours[label]), f"{label}: ours {ours[label]}"


def test_every_figure_is_computed_and_printed_beside_the_brief(engine, capsys):
    from assistant.cli import main

    assert main(["figures"]) == 0
    out = capsys.readouterr().out
    for f in FIGURES:
        assert f.label in out and f.brief in out
