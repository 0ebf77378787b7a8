"""Propose an agreement, or a correction or withdrawal of one, for a reviewer to accept.

Display only: the checks are the loader's rules (assistant/registry/proposals.py) and the store saves the
proposal (assistant/registry/store.py). Each field's message is shown under it; likely duplicates are shown
before sending. Everything typed is shown back escaped.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant import memo, ui
from assistant.data import FORMS, PRECISIONS, TOPICS, Agreement, row_cells
from assistant.registry.proposals import (
    ADD,
    CORRECT,
    LIMITS,
    WITHDRAW,
    Proposal,
    check,
    likely_duplicates,
    proposed_rows,
)

st.set_page_config(page_title="Propose an agreement · Defence Pacts Assistant", page_icon=":material/add_circle:",
                   layout="wide")

ACTIONS = {"Add an agreement that is missing": ADD, "Correct an agreement": CORRECT,
           "Withdraw an agreement": WITHDRAW}
PRECISION_WORDS = {"day": "the exact day", "month": "only the month", "year": "only the year"}
KEY = "propose-"


def _message(field: str) -> None:
    """The message of the last check for this field, right under it."""
    for message in st.session_state.get(KEY + "problems", {}).get(field, []):
        st.error(ui.safe(message), icon=":material/error:")


def _date(day: dt.date, precision: str) -> dt.date:
    """The stored date: the first day of the month or year when only that is known (the codebook's rule)."""
    return day.replace(day=1) if precision == "month" else day.replace(month=1, day=1) if precision == "year" else day


def form(engine, current: Agreement | None) -> dict[str, str]:
    """Every contract column a proposer sets, prefilled from the row being corrected; the cells as the CSV has them."""
    names = {c.code: c.name for c in engine.db.dataset.countries}
    k = KEY + (current.agreement_id if current else "new") + "-"
    title = st.text_input("Title (the English name of the document)", value=current.title if current else "",
                          max_chars=LIMITS["title"], key=k + "title")
    _message("title")
    c1, c2 = st.columns(2)
    with c1:
        day = st.date_input("Date signed", value=current.signed_date if current else None,
                            min_value=dt.date(2014, 1, 1), max_value=dt.date.today(), format="YYYY-MM-DD",
                            key=k + "date")
        _message("signed_date")
    with c2:
        precision = st.radio("How much of the date is known", PRECISIONS, horizontal=True,
                             index=PRECISIONS.index(current.date_precision) if current else 0,
                             format_func=PRECISION_WORDS.get, key=k + "precision")
        _message("date_precision")
    parties = st.multiselect("Parties (every signatory state)", sorted(names, key=names.get),
                             default=list(current.parties) if current else [], format_func=names.get,
                             placeholder="Choose at least two states", key=k + "parties")
    _message("parties")
    c3, c4 = st.columns([1, 2])
    with c3:
        kind = st.selectbox("Form", FORMS, index=FORMS.index(current.form) if current else None,
                            placeholder="Choose the form", key=k + "form")
        _message("form")
    with c4:
        topics = st.multiselect("Topics", TOPICS, default=list(current.topics) if current else [],
                                format_func=memo.topic_label, placeholder="Choose one or more", key=k + "topics")
        _message("topics")
    mutual = st.checkbox("The text commits the parties to assist each other if attacked (mutual defence clause)",
                         value=current.mutual_defence_clause if current else False, key=k + "mutual")
    summary = st.text_area("Summary (one or two sentences in your own words)", value=current.summary if current else "",
                           max_chars=LIMITS["summary"], key=k + "summary")
    _message("summary")
    url = st.text_input("Source (a public web page that documents the agreement)",
                        value=current.source_url if current else "", max_chars=LIMITS["source_url"],
                        placeholder="https://", key=k + "url")
    _message("source_url")
    if day and precision != "day" and _date(day, precision) != day:
        st.caption(f"Stored as {_date(day, precision).isoformat()}, the first day of the {precision}.")
    return {"title": title, "signed_date": _date(day, precision).isoformat() if day else "",
            "date_precision": precision, "parties": ";".join(parties), "form": kind or "",
            "topics": ";".join(topics), "mutual_defence_clause": "true" if mutual else "false",
            "summary": summary, "source_url": url}


def _proposal(action: str, cells: dict[str, str], current: Agreement | None) -> Proposal:
    s = st.session_state
    reason, name = s.get(KEY + "reason", ""), s.get(KEY + "name", "")
    if action == WITHDRAW:
        return Proposal(WITHDRAW, (), current.agreement_id if current else "", reason, name)
    if action == CORRECT and current:
        before = row_cells(current)
        cells = {c: v for c, v in cells.items() if v != before[c]}  # only what the correction changes
    return Proposal.of(action, cells, agreement_id=current.agreement_id if current else "", reason=reason,
                       proposed_by=name)


def _send(proposal: Proposal) -> None:
    """Save the proposal, or keep each field's messages for the page to show."""
    s = st.session_state
    problems, _ = check(proposal, ui.engine().db.dataset)
    s[KEY + "problems"] = {}
    for p in problems:
        s[KEY + "problems"].setdefault(p.field, []).append(p.message)
    if problems:
        s[KEY + "sent"] = None
        return
    try:
        s[KEY + "sent"] = ui.registry().propose(proposal)
    except Exception as e:  # refused by the store (the data moved on since the check) or the registry is down
        s[KEY + "problems"] = {p.field: [p.message] for p in getattr(e, "problems", ())} or \
            {"": [getattr(e, "message", ui.FRIENDLY)]}
        s[KEY + "sent"] = None


def _start_afresh() -> None:
    for k in ("problems", "sent"):
        st.session_state.pop(KEY + k, None)


def main() -> None:
    ui.navigation()
    engine = ui.engine(fresh=True)
    data = engine.db.dataset
    st.title("Propose an agreement")
    st.markdown("Anyone may propose an agreement that is missing, or a correction or withdrawal of one that is in "
                "the data. A reviewer checks it against its source before it is published; the change log keeps "
                "who proposed and who reviewed it, when and why.")
    try:
        ui.registry()
    except Exception as e:
        st.error("Proposals cannot be saved just now: the registry could not be opened. "
                 + ui.safe(getattr(e, "message", "")))
        return
    action = ACTIONS[st.radio("What would you like to do?", list(ACTIONS), horizontal=True, key=KEY + "action",
                              on_change=_start_afresh)]
    current = None
    if action != ADD:
        by_id = {a.agreement_id: a for a in data.agreements}
        chosen = st.selectbox("Agreement", sorted(by_id, reverse=True), index=None, key=KEY + "id",
                              format_func=lambda i: f"{i} · {by_id[i].signed_date} · {by_id[i].title}",
                              placeholder="Type a title, a year or an id", on_change=_start_afresh)
        _message("agreement_id")
        if chosen is None:
            return
        current = by_id[chosen]
    if action == WITHDRAW:
        st.markdown(f"**{ui.safe(current.title)}** ({current.signed_date}, {ui.safe(engine.vocab.name_list(current.parties))})")
        cells: dict[str, str] = {}
    else:
        cells = form(engine, current)
    st.text_area("Why (required for a correction or withdrawal)" if action != ADD else "Anything the reviewer should know",
                 max_chars=LIMITS["reason"], key=KEY + "reason")
    _message("reason")
    st.text_input("Your name (optional; shown in the change log)", max_chars=LIMITS["proposed_by"], key=KEY + "name")
    _message("proposed_by")
    proposal = _proposal(action, cells, current)

    problems, row = check(proposal, data)
    if row is not None and action != WITHDRAW:
        waiting = [(f"proposal {w.id}", w.proposal) for w in ui.registry().proposals()]
        twins = likely_duplicates(row, data) + likely_duplicates(row, proposed_rows(waiting, data))
        if twins:
            st.warning("Is it already in the data, or already proposed? These look alike; check them before sending:")
            st.dataframe([{"ID": d.agreement.agreement_id, "Title": d.agreement.title,
                           "Date": d.agreement.signed_date.isoformat(), "Parties": ", ".join(d.agreement.parties),
                           "Why": d.why} for d in twins], hide_index=True)
    for message in st.session_state.get(KEY + "problems", {}).get("", []):
        st.error(ui.safe(message))
    if st.button("Send for review", type="primary", icon=":material/send:", key=KEY + "send"):
        _send(proposal)  # built in this run from what the fields hold now
        st.rerun()  # draw each field's message under it
    sent = st.session_state.get(KEY + "sent")
    if sent:
        st.success(f"Thank you: proposal {sent} is waiting for a reviewer. It reaches the answers once accepted.")


with ui.friendly():
    main()
