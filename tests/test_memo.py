"""What is copied and downloaded into memos: every rendering carries the rows and the citation line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from assistant import memo

NAMES = {"FR": "France", "DE": "Germany", "PL": "Poland", "GB": "United Kingdom"}
DAY = dt.date(2025, 11, 25)
AGREEMENT_COLUMNS = [
    "agreement_id",
    "title",
    "signed_date",
    "parties",
    "form",
    "topics",
    "scope",
    "mutual_defence_clause",
    "source_url",
]
AGREEMENT_ROWS = [
    [
        "A0073",
        "Treaty of Aachen",
        "2019-01-22",
        ["DE", "FR"],
        "strategic partnership",
        ["comprehensive"],
        "bilateral",
        True,
        "https://example.org/aachen?a=1&b=2",
    ],
    [
        "A0308",
        "Treaty of Nancy | with a pipe\tand a tab",
        "2025-05-09",
        ["FR", "PL"],
        "strategic partnership",
        ["comprehensive", "industry_procurement"],
        "bilateral",
        True,
        "https://example.org/nancy",
    ],
]
QUESTION = "Which <b>treaties</b> did France sign?"


@pytest.fixture
def agreements() -> memo.Memo:
    return memo.build(QUESTION, "2 agreements involving France.", AGREEMENT_COLUMNS, AGREEMENT_ROWS, NAMES, 328, DAY)


def test_citation_names_the_dataset_its_size_the_date_and_the_question():
    line = memo.citation("How many  agreements\ndid France sign?", 328, DAY)
    assert line == (
        "Source: European defence agreements dataset (EU-27, United Kingdom, Ukraine; 2014 – September "
        "2025, 328 agreements), via the Defence Pacts Assistant, 2025-11-25. "
        "Question: “How many agreements did France sign?”"
    )


def test_agreement_rows_get_the_memo_columns_with_parties_by_name(agreements):
    assert agreements.headers == ("Title", "Date", "Parties", "Form", "Topics", "Source", "ID")
    assert agreements.rows[0] == (
        "Treaty of Aachen",
        "2019-01-22",
        "Germany, France",
        "strategic partnership",
        "comprehensive",
        "https://example.org/aachen?a=1&b=2",
        "A0073",
    )
    assert agreements.rows[1][4] == "comprehensive, industry and procurement"
    assert agreements.link_column == 5


@pytest.mark.parametrize(
    "columns, rows, headers, first",
    [
        (["country", "code", "agreements"], [["France", "FR", 86]], ("Country", "Agreements"), ("France", "86")),
        (["partner", "code", "agreements"], [["Poland", "PL", 6]], ("Partner", "Agreements"), ("Poland", "6")),
        (["year", "agreements"], [[2024, 76]], ("Year", "Agreements"), ("2024", "76")),
        (
            ["matching", "total", "percent"],
            [[282, 328, 86.0]],
            ("Matching", "Total", "Per cent"),
            ("282", "328", "86.0%"),
        ),
        (["code"], [["FR"]], ("Code",), ("FR",)),
        (["pair", "agreements"], [[["DE", "FR"], 12]], ("Pair", "Agreements"), ("Germany, France", "12")),
    ],
)
def test_summary_rows_keep_their_columns_in_words(columns, rows, headers, first):
    m = memo.build("q", "a", columns, rows, NAMES, today=DAY)
    assert m.headers == headers and m.rows[0] == first and m.link_column is None


def test_html_is_a_real_table_with_links_and_escapes_what_the_user_typed(agreements):
    out = memo.to_html(agreements)
    assert out.count("<tr>") == 3 and "<th" in out
    assert '<a href="https://example.org/aachen?a=1&amp;b=2">' in out
    assert "<b>treaties</b>" not in out and "&lt;b&gt;treaties&lt;/b&gt;" in out
    assert "Source: European defence agreements dataset" in out


def test_tab_separated_text_has_one_line_per_row_and_the_citation_last(agreements):
    lines = memo.to_tsv(agreements).rstrip("\n").split("\n")
    assert lines[0].split("\t") == list(agreements.headers)
    assert len(lines[1].split("\t")) == len(lines[2].split("\t")) == 7  # the tab inside a title is flattened
    assert lines[3] == "" and lines[4].startswith("Source:") and QUESTION in lines[4]


def test_markdown_escapes_pipes_and_links_the_sources(agreements):
    out = memo.to_markdown(agreements)
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert len(table) == 4 and table[1] == "|---|---|---|---|---|---|---|"
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 8 for line in table)
    assert "<https://example.org/nancy>" in out
    assert out.rstrip().endswith("”*") and "Source:" in out


def test_csv_reads_back_as_header_rows_and_citation(agreements):
    rows = list(csv.reader(io.StringIO(memo.to_csv(agreements))))
    assert rows[0] == list(agreements.headers)
    assert [tuple(r) for r in rows[1:3]] == [tuple(r) for r in agreements.rows]
    assert rows[3] == [] and rows[4][0] == agreements.citation


def test_excel_opens_with_question_answer_table_links_and_citation(agreements):
    sheet = openpyxl.load_workbook(io.BytesIO(memo.to_excel(agreements))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Question", QUESTION) and values[1][:2] == ("Answer", "2 agreements involving France.")
    header = values.index(tuple(agreements.headers))
    assert values[header + 1][0] == "Treaty of Aachen"
    assert sheet.cell(header + 2, 6).hyperlink.target == "https://example.org/aachen?a=1&b=2"
    assert values[-1][0] == agreements.citation
    assert values[header + 1][1] == dt.datetime(2019, 1, 22)  # a real date, not text


def test_excel_keeps_numbers_and_shares_as_numbers():
    m = memo.build("q", "a", ["year", "matching", "total", "percent"], [[2024, 282, 328, 86.0]], NAMES, today=DAY)
    sheet = openpyxl.load_workbook(io.BytesIO(memo.to_excel(m))).active
    row = next(r for r in sheet.iter_rows() if r[0].value == 2024)
    assert [c.value for c in row] == [2024, 282, 328, 0.86]
    assert row[3].number_format == "0.0%"


def test_an_answer_without_rows_still_carries_its_text_and_citation():
    m = memo.build("What is the capital of France?", "I can only answer questions about agreements.", [], [], NAMES)
    for text in (memo.to_html(m), memo.to_tsv(m), memo.to_markdown(m), memo.to_csv(m)):
        assert "I can only answer questions about agreements." in text and "Question: “What is the capital" in text
    assert openpyxl.load_workbook(io.BytesIO(memo.to_excel(m))).active["A1"].value == "Question"


def test_copy_button_carries_html_and_text_and_nothing_escapes_its_script():
    nasty = 'a</script><script>alert("x")</script><!--'
    m = memo.build(nasty, nasty, ["title", "signed_date"], [[nasty, "2024-01-01"]], NAMES)
    page = memo.copy_button_html(m)
    assert page.count("</script>") == 1 and "<!--" not in page
    assert "navigator.clipboard.write" in page and '"text/html"' in page and '"text/plain"' in page


@pytest.mark.parametrize(
    "question, stem",
    [
        ("How many agreements did France sign?", "how-many-agreements-did-france-sign"),
        ("Who are Slovakia's partners?", "who-are-slovakia-s-partners"),
        ("???", "answer"),
        ("x" * 200, "x" * 60),
    ],
)
def test_file_names_come_from_the_question(question, stem):
    assert memo.file_stem(question) == stem


def test_chart_png_is_an_image():
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"y": 2024, "n": 76}]},
        "mark": "bar",
        "encoding": {"x": {"field": "y", "type": "ordinal"}, "y": {"field": "n", "type": "quantitative"}},
    }
    assert memo.chart_png(spec).startswith(b"\x89PNG")
    wide = memo.chart_png({**spec, "width": "container"}, scale=1, width=500)
    assert int.from_bytes(wide[16:20], "big") >= 500  # PNG header: image width


def test_the_citation_names_the_period_of_the_data():
    line = memo.citation("How many?", 361, DAY, "2014 – March 2026")
    assert "(EU-27, United Kingdom, Ukraine; 2014 – March 2026, 361 agreements)" in line
