"""Check lists for people who do not use a terminal: open one by its name, read it, edit it, run it, see
pass/fail, download it. Staff's own lists live in the check-list folder (ui.check_list_dir, outside the
checkout); the built-in checks are the code's own suites.

The same loader, engine and comparison as `python -m assistant eval` (assistant/suites.py).
"""

from __future__ import annotations

import io
import re
import statistics
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant import suites, ui

st.set_page_config(
    page_title="Check lists · Defence Pacts Assistant", page_icon=":material/checklist:", layout="wide"
)

CSV_COLUMNS = suites.CSV_COLUMNS  # with the reading a pinned question keeps: pinned_version, pinned_sql
SOURCES = ("My check lists", "Built-in checks", "Upload a CSV", "Start a new check list")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "question": "How many agreements did France sign?",
                "expected_status": "ok",
                "expected_count": "",
                "expected_contains": "France",
                "conversation": "",
                "pinned_version": "",
                "pinned_sql": "",
            }
        ],
        columns=CSV_COLUMNS,
    )


def _read_csv(data: bytes) -> pd.DataFrame:
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "question" not in df.columns:
        raise ValueError(
            "the CSV needs a 'question' column (and optionally expected_status, expected_count, "
            "expected_contains, conversation)"
        )
    for c in CSV_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    return df[CSV_COLUMNS]


def _editor(df: pd.DataFrame, key: str) -> pd.DataFrame:
    st.caption(
        "Edit the cells, add rows at the bottom. Leave an expected value empty to not check it; rows "
        "sharing a conversation id are asked in order in one conversation (for follow-ups)."
    )
    return st.data_editor(
        df,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "question": st.column_config.TextColumn("Question", width="large", required=True),
            "expected_status": st.column_config.SelectboxColumn(
                "Expected status", options=["ok", "clarify", "unsupported"], default="ok"
            ),
            "expected_count": st.column_config.TextColumn("Expected count", help="rows / agreements counted"),
            "expected_contains": st.column_config.TextColumn("Answer contains", width="medium"),
            "conversation": st.column_config.TextColumn("Conversation", help="same id = one conversation"),
            "pinned_version": st.column_config.TextColumn(
                "Data version", disabled=True, help="the registry's data version when the question was saved"),
            "pinned_sql": st.column_config.TextColumn(
                "Reading (SQL)", disabled=True, width="small", help="the SQL the answer ran when it was saved"),
        },
    )


def _to_csv(df: pd.DataFrame) -> str:
    df = df.fillna("")
    df = df[df["question"].astype(str).str.strip() != ""]
    return df.to_csv(index=False, lineterminator="\n")


def _check_counts(df: pd.DataFrame) -> list[str]:
    bad = []
    for i, v in enumerate(df["expected_count"].fillna("").astype(str), start=1):
        if v.strip() and not re.fullmatch(r"\s*\d+(\.0+)?\s*", v):
            bad.append(f"row {i}: expected count '{v}' is not a whole number")
    return bad


def _expected(expect: dict) -> str:
    parts = [f"status {expect.get('status', 'ok')}"]
    for key, label in (("kind", "kind"), ("count", "count"), ("value", "value"), ("ids", "ids")):
        if key in expect:
            parts.append(f"{label} {expect[key]}")
    contains = expect.get("contains")
    if contains:
        for t in [contains] if isinstance(contains, str) else contains:
            parts.append(f"contains “{t}”")
    if "interpretation_contains" in expect:
        parts.append(f"reading contains “{expect['interpretation_contains']}”")
    if "sql" in expect:
        parts.append("rows of: " + " ".join(str(expect["sql"]).split()))
    return " · ".join(parts)


def _actual(r: suites.CaseResult) -> str:
    a = r.answer
    if a is None:
        return ""
    return f"status {a.status} · count {a.row_count} · {a.answer}"


def _as_rows(suite: suites.Suite) -> pd.DataFrame:
    """A check list of any origin as the table staff read and download: one row per question."""
    rows = []
    for n, turns in enumerate(suite.conversations, start=1):
        for case in turns:
            e = case.expect
            contains = e.get("contains", "")
            rows.append({
                "question": case.q,
                "expected_status": "/".join(e["status"]) if isinstance(e.get("status"), list) else e.get("status", "ok"),
                "expected_count": str(e.get("count", "")),
                "expected_contains": "; ".join(contains) if isinstance(contains, list) else str(contains),
                "conversation": str(n) if len(turns) > 1 else "",
                "pinned_version": str(e.get("pinned_version", "")),
                "pinned_sql": e.get("pinned_sql", ""),
            })
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def _title(stem: str) -> str:
    """'heldout3' -> 'Heldout 3', 'kinds_and_edits' -> 'Kinds and edits': a name, not a file."""
    words = re.sub(r"(?<=[a-z])(?=\d)", " ", stem).replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]


def run(suite: suites.Suite) -> list[suites.CaseResult]:
    engine = ui.engine()
    results: list[suites.CaseResult] = []
    bar = st.progress(0.0, text=f"Running {suite.size} questions…")
    for turns in suite.conversations:
        results += suites.run_suite(engine, suites.Suite(suite.name, (turns,)))
        bar.progress(len(results) / max(suite.size, 1), text=f"{len(results)} of {suite.size} questions")
    bar.empty()
    return results


def diagnoses(results: list[suites.CaseResult]) -> dict[int, suites.Diagnosis]:
    """Why each failed pinned case changed: the data (with the rows that explain it) or the reading."""
    version = ui.engine_version()
    if version is None:
        return {}
    try:
        changes = ui.registry().log()
    except Exception:  # the registry is unreachable: the failures still show, without their cause
        return {}
    out = {}
    for i, r in enumerate(results):
        d = suites.diagnose(r, version, ui.engine(), ui.engine_at, changes)
        if d.verdict:
            out[i] = d
    return out


def _repin(path: Path, results: list[suites.CaseResult], key: str) -> None:
    n = suites.repin(path, results, ui.engine_version())
    st.session_state.pop(key, None)
    st.toast(f"Re-pinned {n} question(s) to today's answers")


def show(results: list[suites.CaseResult], path: Path | None = None, key: str = "") -> None:
    passed = sum(r.ok for r in results)
    why = diagnoses(results)
    elapsed = [r.answer.elapsed_ms for r in results if r.answer]
    c1, c2, c3 = st.columns(3)
    c1.metric("Passed", f"{passed} of {len(results)}")
    c2.metric("Failed", len(results) - passed)
    c3.metric("Median answer time", f"{statistics.median(elapsed):.0f} ms" if elapsed else "–")
    only_failed = st.toggle("Show only failures", value=passed < len(results))
    df = pd.DataFrame(
        [
            {
                "Result": "✓ pass" if r.ok else "✗ FAIL",
                "Question": r.question,
                "Expected": _expected(r.expected),
                "Actual": _actual(r),
                "Why it failed": "; ".join(r.problems),
                "What changed": why[i].words() if i in why else "",
            }
            for i, r in enumerate(results)
            if not (only_failed and r.ok)
        ]
    )
    if df.empty:
        st.success("Every question passed.")
    else:
        st.dataframe(
            df,
            hide_index=True,
            width="stretch",
            height=min(36 + 35 * len(df), 600),
            column_config={
                "Result": st.column_config.TextColumn(width="small"),
                "Question": st.column_config.TextColumn(width="medium"),
                "Expected": st.column_config.TextColumn(width="medium"),
                "Actual": st.column_config.TextColumn(width="large"),
                "Why it failed": st.column_config.TextColumn(width="large"),
                "What changed": st.column_config.TextColumn(width="large"),
            },
        )
    if why:
        data = sum(d.verdict == suites.DATA_CHANGED for d in why.values())
        st.info(f"Of the failures, {data} come from a change in the data since the question was saved and "
                f"{len(why) - data} from a change in how the question is read (different SQL).")
    if path is not None and passed < len(results):
        st.button(f"Re-pin the {len(results) - passed} failed question(s) to today's answers", key="repin",
                  icon=":material/push_pin:", on_click=_repin, args=(path, results, key),
                  help="Their expected status and count become today's, with today's data version and reading.")
    failed = [r for r in results if not r.ok]
    if failed:
        st.subheader("Failures side by side")
        for i, r in enumerate(results):
            if r.ok:
                continue
            with st.expander(r.question):
                left, right = st.columns(2)
                with left:
                    st.markdown("**Expected**")
                    st.markdown(ui.safe(_expected(r.expected)))
                    for p in r.problems:
                        st.warning(p, icon=":material/error:")
                    d = why.get(i)
                    if d:
                        st.info(ui.safe(d.words()), icon=":material/history:")
                with right:
                    st.markdown("**Actual**")
                    if r.answer is not None:
                        st.markdown(ui.safe(r.answer.answer))
                        st.caption(
                            f"{r.answer.status} · {r.answer.row_count} rows · {ui.safe(r.answer.interpretation)}"
                        )
                        if r.answer.sql:
                            st.code(r.answer.sql, language="sql", wrap_lines=True)
    text, _ = suites.report(results)
    with st.expander("The whole report as text"):
        st.code(text, language=None)


def main() -> None:
    ui.navigation()
    ui.engine(fresh=True)
    st.title("Check lists")
    st.markdown(
        "A check list is a list of questions with the answers we expect. Run one after the data or the rules "
        "change to see at a glance what still holds. Add to your own with **Save this question to a check "
        "list** under any answer on the chat page."
    )
    source = st.radio("Check list", SOURCES, horizontal=True, label_visibility="collapsed")
    suite: suites.Suite | None = None
    edited: pd.DataFrame | None = None
    name = ui.DEFAULT_CHECK_LIST

    if source == SOURCES[0]:
        names = ui.check_lists()
        if not names:
            st.info(
                "You have no check list yet. Save a question to one from the chat page, upload a CSV, or start "
                "a new one."
            )
            return
        name = st.selectbox("Check list", names)
        edited = _editor(_read_csv(ui.check_list_path(name).read_bytes()), key=f"edit-{name}")
    elif source == SOURCES[1]:
        files = (
            sorted(p for p in ui.SUITES_DIR.glob("*") if p.suffix.lower() in (".yaml", ".yml", ".csv"))
            if ui.SUITES_DIR.exists()
            else []
        )
        if not files:
            st.info("No built-in checks ship with this copy of the assistant.")
            return
        path = st.selectbox("Built-in check list", files, format_func=lambda p: _title(p.stem))
        name = _title(path.stem)
        suite = suites.load_suite(path)
        table = _as_rows(suite)
        st.caption(
            f"{suite.size} questions in {len(suite.conversations)} conversations, kept with the code. To change "
            "one, download it, edit it and upload it as your own check list."
        )
        with st.expander("Read the questions"):
            st.dataframe(table, hide_index=True, width="stretch")
        st.download_button("Download as CSV", _to_csv(table), f"{ui.check_list_name(name)}.csv", "text/csv",
                           on_click="ignore", icon=":material/download:")
    elif source == SOURCES[2]:
        upload = st.file_uploader(
            "A CSV with the columns question, expected_status, expected_count, "
            "expected_contains (and optionally conversation)",
            type=["csv"],
        )
        if upload is None:
            return
        name = ui.check_list_name(Path(upload.name).stem)
        try:
            df = _read_csv(upload.getvalue())
        except Exception as e:
            st.error(f"I could not read this CSV: {e}")
            return
        edited = _editor(df, key=f"edit-upload-{upload.name}")
    else:
        name = "New check list"
        edited = _editor(_empty(), key="edit-new")

    if edited is not None:
        problems = _check_counts(edited)
        for p in problems:
            st.warning(p)
        csv_text = _to_csv(edited)
        c1, c2, c3 = st.columns([1, 2, 1], vertical_alignment="bottom")
        with c1:
            st.download_button(
                "Download as CSV", csv_text, f"{ui.check_list_name(name)}.csv", "text/csv", on_click="ignore",
                icon=":material/download:",
            )
        with c2:
            target = st.text_input("Save as my check list named", value=name)
        with c3:
            if st.button("Save", icon=":material/save:"):
                saved = ui.check_list_name(target)
                ui.check_list_dir().mkdir(parents=True, exist_ok=True)
                ui.check_list_path(saved).write_text(csv_text, encoding="utf-8")
                st.toast(f"Saved the check list “{saved}”")
        if problems:
            return
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp) / f"{ui.check_list_name(name)}.csv"
            tmp_path.write_text(csv_text, encoding="utf-8")
            suite = suites.load_suite(tmp_path)

    if suite is None or suite.size == 0:
        st.info("This check list has no questions yet.")
        return
    key = f"results-{source}-{name}"
    if st.button(f"Run {suite.size} questions", type="primary", icon=":material/play_arrow:"):
        st.session_state[key] = run(suite)
    if key in st.session_state:
        show(st.session_state[key], ui.check_list_path(name) if source == SOURCES[0] else None, key)


with ui.friendly():
    main()
