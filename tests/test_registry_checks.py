"""A proposal is checked by the loader's rules and the registry's bounds, field by field; a bad or hostile one
is refused with the message on its field and nothing written. Likely duplicates are found before sending."""

from __future__ import annotations

import pytest

from assistant.data import CORRECTABLE, row_cells
from assistant.registry.proposals import ADD, CORRECT, WITHDRAW, Proposal, ProposalRefused, check, likely_duplicates
from tests.registry_fixtures import synthetic

SCRIPT = "<script>alert(1)</script>"
MARKUP = ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[click me](javascript:alert(1))",
          "![x](https://evil.example/x.png)", "</textarea><b>bold</b>", "<!-- hidden -->", "<svg/onload=alert(1)>")

HOSTILE = [  # (what, proposal, the field whose message must say what is wrong)
    *[(f"markup {i} in title", synthetic(title=f"Agreement {m}"), "title") for i, m in enumerate(MARKUP)],
    *[(f"markup {i} in summary", synthetic(summary=f"Fine words {m}"), "summary") for i, m in enumerate(MARKUP)],
    *[(f"markup {i} in reason", Proposal(ADD, synthetic().cells, "", f"because {m}", "x"), "reason")
      for i, m in enumerate(MARKUP)],
    *[(f"markup {i} in name", Proposal(ADD, synthetic().cells, "", "r", m), "proposed_by") for i, m in enumerate(MARKUP)],
    ("script in source url", synthetic(source_url=f"https://example.org/{SCRIPT}"), "source_url"),
    ("javascript url", synthetic(source_url="javascript:alert(1)"), "source_url"),
    ("javascript url, capitals and a space", synthetic(source_url=" JavaScript:alert(document.cookie)"), "source_url"),
    ("data url", synthetic(source_url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="), "source_url"),
    ("vbscript url", synthetic(source_url="vbscript:msgbox(1)"), "source_url"),
    ("file url", synthetic(source_url="file:///etc/passwd"), "source_url"),
    ("url without a host", synthetic(source_url="https:///nothing"), "source_url"),
    ("url with a quote", synthetic(source_url='https://example.org/" onmouseover="alert(1)'), "source_url"),
    ("100 000-character summary", synthetic(summary="a" * 100_000), "summary"),
    ("100 000-character title", synthetic(title="t" * 100_000), "title"),
    ("control characters", synthetic(title="Agreement\x00\x1b[31m"), "title"),
    ("right-to-left override", synthetic(title="Agreement \u202egnp.exe"), "title"),
    ("unknown party code", synthetic(parties="FR;XX"), "parties"),
    ("a party twice", synthetic(parties="FR;FR"), "parties"),
    ("one party", synthetic(parties="FR"), "parties"),
    ("no EU member", synthetic(parties="GB;UA"), "parties"),
    ("SQL in parties", synthetic(parties="FR;PL'); DROP TABLE changes;--"), "parties"),
    ("unknown form", synthetic(form="treaty"), "form"),
    ("unknown topic", synthetic(topics="cyber;naval"), "topics"),
    ("no topic", synthetic(topics=""), "topics"),
    ("unknown precision", synthetic(date_precision="week"), "date_precision"),
    ("month precision on the 3rd", synthetic(date_precision="month"), "signed_date"),
    ("not a date", synthetic(signed_date="3 Feb 2026"), "signed_date"),
    ("in the future", synthetic(signed_date="2099-01-01"), "signed_date"),
    ("before 2014", synthetic(signed_date="2013-12-31"), "signed_date"),
    ("not a boolean", synthetic(mutual_defence_clause="yes please"), "mutual_defence_clause"),
    ("empty title", synthetic(title="   "), "title"),
    ("no source", synthetic(source_url=""), "source_url"),
    ("duplicate id", Proposal(ADD, synthetic().cells, "A0001", "r", "x"), "agreement_id"),
    ("an id of its own", Proposal(ADD, synthetic().cells, "A9000", "r", "x"), "agreement_id"),
    ("a derived column", Proposal(ADD, (*synthetic().cells, ("n_parties", "7")), "", "r", "x"), "n_parties"),
    ("unknown kind", Proposal("delete", synthetic().cells, "", "r", "x"), "kind"),
    ("correct an unknown id", Proposal.of(CORRECT, {"title": "x"}, agreement_id="A0000", reason="r"), "agreement_id"),
    ("correct without a reason", Proposal.of(CORRECT, {"title": "New title"}, agreement_id="A0001"), "reason"),
    ("withdraw an unknown id", Proposal(WITHDRAW, (), "Z'; --", "r"), "agreement_id"),
    ("withdraw without a reason", Proposal(WITHDRAW, (), "A0001", ""), "reason"),
]


@pytest.mark.parametrize("registry_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("what, proposal, field", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_or_bad_proposal_is_refused_on_its_field_with_nothing_written(store, what, proposal, field):
    with pytest.raises(ProposalRefused) as refused:
        store.propose(proposal)
    assert field in {p.field for p in refused.value.problems}, refused.value.problems
    assert all(p.message for p in refused.value.problems)
    assert not store.proposals(status=None) and not store.log() and store.version() == 0


def test_every_fault_of_a_proposal_gets_its_own_message(base_data):
    bad = synthetic(title=SCRIPT, signed_date="2099-01-01", parties="FR;XX", form="treaty", topics="naval",
                    mutual_defence_clause="maybe", source_url="javascript:alert(1)", date_precision="week")
    problems, row = check(bad, base_data)
    assert row is None
    assert {p.field for p in problems} == {"title", "signed_date", "parties", "form", "topics",
                                           "mutual_defence_clause", "source_url", "date_precision"}
    assert any("XX" in p.message for p in problems if p.field == "parties")  # the bad value is named


def test_every_bundled_row_passes_the_checks_a_proposal_meets(base_data):
    """The registry's bounds and markup rules refuse nothing the published data holds."""
    for a in base_data.agreements:
        cells = {c: row_cells(a)[c] for c in CORRECTABLE}
        problems, _ = check(Proposal.of(CORRECT, cells, agreement_id=a.agreement_id, reason="r"), base_data)
        assert [p.message for p in problems] == ["the correction changes nothing in the row."], a.agreement_id


def test_a_good_proposal_makes_the_row_the_loader_would(base_data):
    problems, row = check(synthetic(parties="PL;FR;DE", topics="cyber;training"), base_data)
    assert not problems
    assert (row.parties, row.n_parties, row.scope, row.topics, row.year) == (
        ("DE", "FR", "PL"), 3, "plurilateral", ("cyber", "training"), 2026)


@pytest.mark.parametrize("change, expected, why", [
    # The Treaty of Aachen (A0073, DE-FR, 22 January 2019) again under another title, 20 days later.
    (dict(title="Franco-German friendship treaty", parties="DE;FR", signed_date="2019-02-11"), "A0073", "same parties"),
    (dict(title="Treaty on Franco-German Cooperation and Integration (Aachen)", parties="AT;SI",
          signed_date="2016-05-05"), "A0073", "similar title"),
])
def test_likely_duplicates_are_found_before_sending(base_data, change, expected, why):
    _, row = check(synthetic(**change), base_data)
    found = likely_duplicates(row, base_data)
    assert expected in [d.agreement.agreement_id for d in found]
    assert any(why.split()[-1] in d.why for d in found if d.agreement.agreement_id == expected)


def test_an_unrelated_proposal_has_no_likely_duplicate(base_data):
    _, row = check(synthetic(parties="CY;EE", signed_date="2015-07-07", title="Zzyzx synthetic qwerty"), base_data)
    assert likely_duplicates(row, base_data) == ()
