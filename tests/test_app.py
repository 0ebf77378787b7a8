"""The pages as staff meet them, driven with streamlit.testing.v1.AppTest (no browser)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant import memo

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "assistant" / "app.py")
TIMEOUT = 60


def plain(markdown: str) -> str:
    """What the reader sees of an escaped Markdown string."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> list[str]:
    return [plain(m.value) for m in at.markdown]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def last_answer(at: AppTest):
    return at.session_state.turns[-1]


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("DPA_CHECK_LISTS", str(tmp_path))  # saved check lists go to a temporary folder
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def test_first_screen_says_what_it_knows_and_offers_suggestions(app, engine):
    n = len(engine.db.dataset.agreements)
    first, second = texts(app)[:2]
    assert f"{n} defence agreements" in first
    for words in ("EU-27", "United Kingdom", "Ukraine", engine.db.dataset.period.replace(" – ", " to ")):
        assert words in first
    assert "plain English" in second
    chips = app.pills[0]
    assert list(chips.options) == engine.vocab.suggestions["starter"]
    assert not app.chat_message  # no conversation yet
    assert app.title[0].value == "Defence Pacts Assistant"


def test_clicking_a_suggested_question_asks_it(app):
    question = app.pills[0].options[0]
    app.pills[0].set_value(question).run()
    assert not app.exception
    assert [plain(m.value) for m in app.chat_message[0].markdown] == [question]
    assert last_answer(app).question == question and last_answer(app).status == "ok"
    assert [p.label for p in app.pills] == ["Follow up"]  # the first screen's chips made way for follow-ups


def test_question_shows_answer_reading_sql_chart_table_and_downloads(app):
    ask(app, "How many agreements were signed per year?")
    a = last_answer(app)
    assistant = app.chat_message[1]
    assert plain(assistant.markdown[0].value) == a.answer
    expander = assistant.expander[0]
    assert expander.label == "How I understood your question"
    assert plain(expander.markdown[0].value) == a.interpretation
    assert expander.code[0].value == a.sql and "SELECT" in a.sql.upper()
    assert assistant.get("vega_lite_chart"), "the answer should carry a chart"
    table = assistant.dataframe[0].value
    assert list(table.columns) == ["Year", "Agreements"]
    assert list(table["Agreements"]) == [r[a.columns.index("agreements")] for r in a.rows]
    labels = [b.label for b in assistant.get("download_button")]
    assert labels == ["Markdown", "CSV", "Excel", "Chart PNG"]
    copy = assistant.get("iframe")[0].proto.srcdoc
    assert "navigator.clipboard.write" in copy and "text/html" in copy and "Question:" in copy


def test_list_answer_table_has_the_memo_columns_with_parties_by_name_and_links(app):
    ask(app, "List the agreements France signed in 2024")
    table = app.chat_message[1].dataframe[0]
    assert list(table.value.columns) == ["Title", "Date", "Parties", "Form", "Topics", "Source", "ID"]
    assert all("France" in p for p in table.value["Parties"])
    assert all(u.startswith("http") for u in table.value["Source"])
    config = json.loads(table.proto.columns)
    assert config["Source"]["type_config"]["type"] == "link"  # a clickable link, not text


def test_follow_up_uses_the_conversation(app):
    ask(app, "How many agreements did France sign?")
    france = last_answer(app)
    ask(app, "And Germany?")
    germany = last_answer(app)
    assert france.status == germany.status == "ok"
    assert "Germany" in germany.answer and "France" not in germany.answer
    number = re.compile(r"\d+")
    assert number.search(france.answer).group() != number.search(germany.answer).group()
    assert france.row_count != germany.row_count
    assert len(app.chat_message) == 4  # two questions, two answers, in order
    assert plain(app.chat_message[2].markdown[0].value) == "And Germany?"


def test_clarify_answer_offers_readings_as_buttons_and_a_click_answers(app):
    ask(app, "How many agreements did France and Germany sign?")
    a = last_answer(app)
    assert a.status == "clarify"
    readings = [b for b in app.chat_message[1].button if b.key.startswith("clarify-")]
    assert [b.label for b in readings] == a.suggestions
    readings[0].click().run()
    assert not app.exception
    answered = last_answer(app)
    assert answered.question == a.suggestions[0]
    assert answered.status == "ok"
    assert len(app.session_state.turns) == 2


def test_unsupported_question_explains_and_offers_suggestions(app):
    ask(app, "What is the capital of France?")
    a = last_answer(app)
    assert a.status == "unsupported"
    assistant = app.chat_message[1]
    assert plain(assistant.markdown[0].value) == a.answer
    assert "EU-27" in assistant.caption[0].value
    assert list(assistant.pills[0].options) == a.suggestions and a.suggestions
    assert not assistant.dataframe and not assistant.get("vega_lite_chart")


@pytest.mark.parametrize(
    "question",
    [
        "<script>alert('x')</script> **bold** [link](http://evil.example)",
        "'; DROP TABLE agreements; --",
        "x" * 5000,
        "   ",
        "🙂🙂🙂 $x^2$ :red[colour]",
    ],
)
def test_nothing_typed_crashes_the_page_or_renders_as_markup(app, question):
    app.chat_input[0].set_value(question).run()
    assert not app.exception
    assert not app.error
    for m in app.markdown:
        assert "<script>" not in m.value  # shown as text, never as HTML
    if question.strip():
        shown = plain(app.chat_message[0].markdown[0].value)
        assert shown == question.strip()[:1000]


def test_save_to_a_check_list_appends_the_question_with_its_result(app, tmp_path):
    ask(app, "How many agreements did Spain sign after 2020?")
    a = last_answer(app)
    save = app.button(key="pin-0")
    assert save.label == "Save this question to a check list"
    save.click().run()
    assert not app.exception
    assert any("Saved to the check list “My checks”" in plain(c.value) for c in app.caption)
    with open(tmp_path / "My checks.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {"question": a.question, "expected_status": "ok", "expected_count": str(a.row_count), "expected_contains": "",
         "conversation": "", "pinned_version": "0", "pinned_sql": a.sql}  # the reading it was saved with
    ]


def test_saving_a_follow_up_saves_its_conversation_to_the_named_check_list(app, tmp_path):
    app.sidebar.text_input(key="check_list").set_value("Weekly: France/Germany").run()
    ask(app, "How many agreements did France sign?")
    ask(app, "And Germany?")
    app.button(key="pin-1").click().run()
    assert not app.exception
    with open(tmp_path / "Weekly FranceGermany.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["question"] for r in rows] == ["How many agreements did France sign?", "And Germany?"]
    assert rows[0]["conversation"] == rows[1]["conversation"] != ""
    assert any("Saved to the check list “Weekly FranceGermany”" in plain(c.value) for c in app.caption)


def test_the_chat_page_speaks_of_check_lists_not_files(app):
    ask(app, "How many agreements did Spain sign?")
    words = " ".join([plain(c.value) for c in app.caption] + [b.label for b in app.button]
                     + [t.label for t in app.sidebar.text_input])
    for developer_word in ("suite", "Pin", ".csv", ".yaml", "tests/"):
        assert developer_word not in words


def test_copy_and_download_content_cite_the_dataset_and_the_question(app, engine):
    question = "List the agreements France signed in 2024"
    ask(app, question)
    a = last_answer(app)
    m = memo.from_answer(a, engine.vocab.names, len(engine.db.dataset.agreements))
    title = a.rows[0][a.columns.index("title")]
    url = a.rows[0][a.columns.index("source_url")]
    for text in (memo.to_html(m), memo.to_tsv(m), memo.to_markdown(m), memo.to_csv(m)):
        assert f"Question: “{question}”" in text
        assert "European defence agreements dataset" in text
        assert title.replace("&", "&amp;") in text or title in text
        assert url in text
    sheet = openpyxl.load_workbook(io.BytesIO(memo.to_excel(m))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert title in values and any(str(v).startswith("Source:") and question in str(v) for v in values)
    copy = app.chat_message[1].get("iframe")[0].proto.srcdoc
    assert "France" in copy and "2024" in copy


def test_new_conversation_clears_the_history(app):
    ask(app, "How many agreements did France sign?")
    app.sidebar.button[0].click().run()
    assert not app.chat_message
    assert app.pills[0].label == "Try one of these"


def test_bad_data_shows_the_loader_message_not_a_traceback(monkeypatch, tmp_path):
    import shutil

    import assistant.data

    shutil.copy(assistant.data.DATA_DIR / "countries.csv", tmp_path / "countries.csv")
    lines = (assistant.data.DATA_DIR / "agreements.csv").read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace(",day,", ",fortnight,", 1)  # row 7: an unknown date precision
    (tmp_path / "agreements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(assistant.data, "DATA_DIR", tmp_path)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    st.cache_resource.clear()
    assert not at.exception
    message = at.error[0].value
    assert "agreements.csv, row 7, column 'date_precision', value 'fortnight'" in message
    assert "Traceback" not in message
    assert not at.chat_message


def test_browse_page_filters_the_whole_dataset(engine):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/1_Browse_the_data.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == len(engine.db.dataset.agreements)
    at.multiselect[0].set_value(["France"]).run()
    at.slider[0].set_value((2024, 2024)).run()
    table = at.dataframe[0].value
    expected = sum(1 for a in engine.db.dataset.agreements if "FR" in a.parties and a.year == 2024)
    assert len(table) == expected and all("France" in p for p in table["Parties"])
    assert [b.label for b in at.get("download_button")] == ["Markdown", "CSV", "Excel"]


def test_suites_page_runs_a_new_csv_suite_and_shows_expected_beside_actual():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/2_Question_suites.py").run()
    assert not at.exception
    at.radio[0].set_value("Start a new check list").run()
    run = next(b for b in at.button if b.label.startswith("Run "))
    run.click().run()
    assert not at.exception
    results = at.dataframe[-1].value  # [0] is the editable suite itself
    assert list(results.columns) == ["Result", "Question", "Expected", "Actual", "Why it failed", "What changed"]
    assert results["Result"].iloc[0] == "✓ pass"
    assert "contains “France”" in results["Expected"].iloc[0]
    assert results["Actual"].iloc[0].startswith("status ok")


def test_check_lists_page_runs_a_saved_list_by_its_name_and_explains_failures(tmp_path, monkeypatch, engine):
    france = engine.conversation().ask("How many agreements did France sign?").row_count
    (tmp_path / "mine.csv").write_text(
        "question,expected_status,expected_count,expected_contains\n"
        f"How many agreements did France sign?,ok,{france},France\n"
        "How many agreements did Germany sign?,ok,9999,\n"
        "What is the capital of France?,unsupported,,\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DPA_CHECK_LISTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/2_Question_suites.py").run()
    assert at.selectbox[0].value == "mine" and at.selectbox[0].options == ["mine"]
    assert [b.label for b in at.get("download_button")] == ["Download as CSV"]
    next(b for b in at.button if b.label == "Run 3 questions").click().run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["2 of 3", "1"]
    failure = [e for e in at.expander if e.label.startswith("How many")]
    assert [e.label for e in failure] == ["How many agreements did Germany sign?"]
    assert "count: expected 9999" in failure[0].warning[0].value


def test_about_page_shows_the_figures_the_readings_and_the_codebook():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/3_About_the_data.py").run()
    assert not at.exception and not at.error
    figures = at.table[0].value
    assert list(figures.columns) == ["Figure", "The brief", "Ours", "How close it should be"]
    words = "\n".join(m.value for m in at.markdown)
    assert "Codebook" in words  # data/README.md
    if (ROOT / "prompts" / "semantics.md").exists():
        assert "Nordic" in words  # the readings of common phrasings


def test_older_answers_fold_to_their_text_and_open_on_demand(app):
    questions = ["How many agreements were signed per year?"] + [f"How many agreements were signed in {y}?"
                                                                 for y in range(2015, 2022)]
    for q in questions:
        ask(app, q)
    assert not app.exception
    first = app.button(key="open-0")  # the oldest answer is folded: its text only, and a button
    assert "Show the chart" in first.label
    first.click().run()
    assert not app.exception
    assert not [b for b in app.button if b.key == "open-0"]


def test_a_brief_figure_shows_the_brief_beside_ours_with_a_link_to_about(app):
    ask(app, "How many agreements were signed since the invasion?")
    captions = [plain(c.value) for c in app.caption]
    assert any(c.startswith("The Böll brief gives 135") for c in captions), captions


def test_built_in_checks_are_read_and_downloaded_by_their_name(tmp_path, monkeypatch):
    monkeypatch.setenv("DPA_CHECK_LISTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/2_Question_suites.py").run()
    at.radio[0].set_value("Built-in checks").run()
    assert not at.exception
    assert all(not o.endswith((".yaml", ".csv")) for o in at.selectbox[0].options)
    assert "Heldout 3" in at.selectbox[0].options
    assert at.dataframe[0].value.columns[0] == "question"


def _leaves(node) -> list:
    """The elements inside a block, in page order, through the containers (a fragment is one) they sit in."""
    out = []
    for child in getattr(node, "children", {}).values():
        out += _leaves(child) if getattr(child, "children", None) else [child]
    return out


@pytest.mark.parametrize(("question", "said"), [
    ("How many agreements did Swedn sign?", "I read “Swedn” as Sweden."),
    ("How many agreements did Frnace sign in 2024?", "I read “Frnace” as France."),
    ("How many agreements did France sign? " + "Thanks a lot. " * 90, "I read only the first 1000 characters"),
])
def test_what_the_reading_changed_is_said_just_under_the_first_line(app, question, said):
    ask(app, question)
    message = app.chat_message[-1]
    first, second = _leaves(message)[:2]  # the answer's first line, then what was changed (inside its fragment)
    assert (first.type, second.type) == ("markdown", "caption")
    assert said in plain(second.value), plain(second.value)


BROWSE = [  # what is chosen on the Browse page: states, (any|all), years, forms, topics, mutual, text
    (["France"], "any", (2024, 2024), [], [], False, ""),
    (["France", "Germany"], "all", (2014, 2025), [], [], False, ""),
    (["Poland", "Lithuania"], "any", (2016, 2020), ["statement of intent"], [], False, ""),
    ([], "any", (2022, 2025), [], ["cyber"], False, ""),
    ([], "any", (2014, 2025), [], [], True, ""),
    (["Sweden"], "any", (2014, 2025), [], ["air_defence", "training"], False, ""),
    ([], "any", (2014, 2025), [], [], False, "Aachen"),
]


@pytest.mark.parametrize("choice", BROWSE, ids=[str(b[:5]) for b in BROWSE])
def test_browse_and_chat_give_the_same_rows_for_the_same_filters(engine, choice):
    states, mode, years, forms, topics, mutual, text = choice
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/1_Browse_the_data.py").run()
    at.multiselect[0].set_value(states).run()
    if len(states) > 1:
        at.radio[0].set_value(f"{mode} of these states").run()
    at.slider[0].set_value(years).run()
    at.multiselect[1].set_value(forms).run()
    at.multiselect[2].set_value(topics).run()
    at.checkbox[0].set_value(mutual).run()
    at.text_input[0].set_value(text).run()
    assert not at.exception
    shown = set(at.dataframe[0].value["ID"]) if at.dataframe else set()
    ask = [b for b in at.button if b.label == "Ask this in the chat"]
    assert ask, "a plain selection can be asked in the chat"
    answer = engine.conversation().ask(ask[0].help)
    chat = {r[answer.columns.index("agreement_id")] for r in answer.rows}
    assert answer.status == "ok" and answer.row_count == len(shown) and chat == shown, (ask[0].help, answer.answer)


def test_ask_this_in_the_chat_asks_the_browse_selection_on_the_chat_page(tmp_path, monkeypatch):
    monkeypatch.setenv("DPA_CHECK_LISTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/1_Browse_the_data.py").run()
    at.multiselect[0].set_value(["Estonia"]).run()
    at.slider[0].set_value((2023, 2023)).run()
    next(b for b in at.button if b.label == "Ask this in the chat").click().run()
    assert not at.exception
    assert at.session_state.turns[-1].question == "Which agreements involving Estonia signed in 2023?"
