"""Review proposals: sign in, read each proposal beside the row as it stands, accept or reject it with a note;
read and download the change log.

Display only: the store checks the reviewer inside accept and reject (assistant/registry/store.py), so a page
that showed its buttons to anyone would still change nothing.
"""

from __future__ import annotations

import streamlit as st

from assistant import ui
from assistant.data import CORRECTABLE, row_cells
from assistant.registry.export import log_csv
from assistant.registry.proposals import ADD, WITHDRAW, check, likely_duplicates
from assistant.registry.store import StoredProposal

st.set_page_config(page_title="Review proposals · Defence Pacts Assistant", page_icon=":material/fact_check:",
                   layout="wide")

LABELS = {"title": "Title", "signed_date": "Date signed", "date_precision": "Date precision", "parties": "Parties",
          "form": "Form", "topics": "Topics", "mutual_defence_clause": "Mutual defence clause", "summary": "Summary",
          "source_url": "Source"}
KIND_WORDS = {ADD: "Add", "correct": "Correct", WITHDRAW: "Withdraw"}


def _sign_in() -> None:
    s = st.session_state
    try:
        s.reviewer = ui.registry().reviewers.sign_in(s.get("review-name", ""), s.get("review-password", ""))
        s.pop("review-refused", None)
    except Exception as e:
        s["review-refused"] = getattr(e, "message", ui.FRIENDLY)
    s["review-password"] = ""


def _sign_out() -> None:
    st.session_state.pop("reviewer", None)


def _decide(proposal_id: int, accept: bool) -> None:
    s = st.session_state
    note = s.get(f"note-{proposal_id}", "")
    try:
        store = ui.registry()
        if accept:
            done = store.accept(proposal_id, s.get("reviewer"), note)
            ui.data_changed()
            s["review-done"] = f"Proposal {proposal_id} accepted: {done.agreement_id} (data version {done.data_version})."
        else:
            store.reject(proposal_id, s.get("reviewer"), note)
            s["review-done"] = f"Proposal {proposal_id} rejected."
    except Exception as e:  # refused (not a reviewer, already decided, no longer valid): say so
        s["review-done"] = "error:" + getattr(e, "message", ui.FRIENDLY)


def side_by_side(engine, stored: StoredProposal) -> None:
    """The row as it stands beside the row as proposed, each value escaped; changed fields marked."""
    p, data = stored.proposal, engine.db.dataset
    current = next((a for a in data.agreements if a.agreement_id == p.agreement_id), None)
    now = row_cells(current) if current else {}
    proposed = {} if p.kind == WITHDRAW else {**{c: now.get(c, "") for c in CORRECTABLE}, **p.fields}
    rows = []
    for c in CORRECTABLE:
        before, after = now.get(c, ""), proposed.get(c, "")
        rows.append({"Field": LABELS[c], "Now": before or "—", "Proposed": after or "—",
                     "Changed": "yes" if p.kind != WITHDRAW and before != after else ""})
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"Now": st.column_config.TextColumn(width="large"),
                                "Proposed": st.column_config.TextColumn(width="large")})
    problems, row = check(p, data)
    for problem in problems:  # the data moved on since it was proposed: accepting would be refused
        st.warning(ui.safe(f"{LABELS.get(problem.field, problem.field)}: {problem.message}"))
    if row is not None and p.kind == ADD:
        for d in likely_duplicates(row, data):
            st.caption(ui.safe(f"Looks like {d.agreement.agreement_id} {d.agreement.title} "
                               f"({d.agreement.signed_date}): {d.why}."))


def pending(engine) -> None:
    store = ui.registry()
    waiting = store.proposals()
    st.subheader(f"Waiting for review ({len(waiting)})")
    if not waiting:
        st.info("No proposal is waiting.")
    for stored in waiting:
        p = stored.proposal
        title = p.fields.get("title") or p.agreement_id
        with st.container(border=True):
            st.markdown(f"**Proposal {stored.id}** · {KIND_WORDS.get(p.kind, p.kind)} · "
                        f"{ui.safe(p.agreement_id or 'new row')} · {ui.safe(title)}")
            st.caption(ui.safe(f"Proposed by {p.proposed_by} on {stored.proposed_at[:16].replace('T', ' ')} UTC"))
            if p.reason:
                st.markdown("Why: " + ui.safe(p.reason))
            side_by_side(engine, stored)
            st.text_input("Note (shown in the change log)", key=f"note-{stored.id}", max_chars=1000)
            with st.container(horizontal=True):
                st.button("Accept", key=f"accept-{stored.id}", type="primary", icon=":material/check:",
                          on_click=_decide, args=(stored.id, True))
                st.button("Reject", key=f"reject-{stored.id}", icon=":material/close:", on_click=_decide,
                          args=(stored.id, False))


def change_log() -> None:
    changes = ui.registry().log()
    st.subheader("Change log")
    st.caption("Every change accepted through the registry, oldest first. The changes made before the registry "
               "(the research passes) are in data/changes.csv.")
    if not changes:
        st.info("No change has been accepted yet.")
        return
    st.dataframe([{"When (UTC)": c.changed_at[:16].replace("T", " "), "ID": c.agreement_id, "What": c.action,
                   "Field": c.column if c.action == "corrected" else "", "Old": c.old_value if c.action == "corrected" else "",
                   "New": c.new_value if c.action == "corrected" else "", "Why": c.reason, "Source": c.source_url,
                   "Proposed by": c.proposed_by, "Reviewed by": c.reviewed_by, "Note": c.note}
                  for c in reversed(changes)], hide_index=True, width="stretch")
    st.download_button("Download the change log (CSV)", log_csv(changes), "change-log.csv", "text/csv",
                       icon=":material/download:", on_click="ignore", key="log-csv")


def main() -> None:
    ui.navigation()
    engine = ui.engine(fresh=True)
    st.title("Review proposals")
    try:
        store = ui.registry()
    except Exception as e:
        st.error("The registry could not be opened. " + ui.safe(getattr(e, "message", "")))
        return
    s = st.session_state
    reviewer = s.get("reviewer")
    if reviewer is None:
        if not store.reviewers.names:
            st.info("No reviewer is configured yet (README: Reviewers). Proposals wait until one is.")
        with st.form("sign-in"):
            st.text_input("Reviewer name", key="review-name")
            st.text_input("Password", type="password", key="review-password")
            st.form_submit_button("Sign in", on_click=_sign_in)
        if s.get("review-refused"):
            st.error(ui.safe(s["review-refused"]))
    else:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"Signed in as **{ui.safe(reviewer.name)}**")
            st.button("Sign out", on_click=_sign_out, type="tertiary")
    done = s.pop("review-done", None)
    if done and done.startswith("error:"):
        st.error(ui.safe(done.removeprefix("error:")))
    elif done:
        st.success(ui.safe(done))
    if reviewer is not None:
        pending(engine)
    change_log()


with ui.friendly():
    main()
