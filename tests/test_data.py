"""The loader refuses a malformed data file whole, naming file, row, column and value."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from assistant.data import DATA_DIR, build_database_file, load_dataset
from assistant.errors import DataError

ROOT = Path(__file__).resolve().parent.parent


def _first_rows():
    with open(DATA_DIR / "agreements.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def broken_copy(tmp_path: Path, change) -> Path:
    """data/ copied to tmp_path with one change applied to agreements.csv (row 2 = first record)."""
    shutil.copy(DATA_DIR / "countries.csv", tmp_path / "countries.csv")
    rows = _first_rows()
    text = change(rows)
    if isinstance(text, bytes):
        (tmp_path / "agreements.csv").write_bytes(text)
        return tmp_path
    with open(tmp_path / "agreements.csv", "w", encoding="utf-8", newline="") as f:
        if isinstance(text, str):
            f.write(text)
        else:
            w = csv.DictWriter(f, fieldnames=list(text[0].keys()))
            w.writeheader()
            w.writerows(text)
    return tmp_path


def set_cell(column, value, row=0):
    def change(rows):
        rows[row][column] = value
        return rows
    return change


def to_csv(rows):
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def duplicate_id(rows):
    rows[1]["agreement_id"] = rows[0]["agreement_id"]
    return rows


def drop_column(rows):
    for r in rows:
        del r["source_url"]
    return rows


def blank_lines(rows):
    text = to_csv(rows).split("\n")
    return "\n".join(text[:3] + ["", ""] + text[3:])


def latin1(rows):
    rows[0]["title"] = "Traité de coopération"
    return to_csv(rows).encode("latin-1", errors="replace")


MALFORMED = [
    ("unknown country code", set_cell("parties", "FR;XX"), "row 2, column 'parties', value 'XX'"),
    ("out-of-scope state", set_cell("parties", "FR;NO"), "value 'NO': unknown country code"),
    ("duplicate id", duplicate_id, "row 3, column 'agreement_id'"),
    ("duplicate party", set_cell("parties", "FR;FR;DE"), "value 'FR': the same party is listed twice"),
    ("bad date", set_cell("signed_date", "2024-02-30"), "column 'signed_date', value '2024-02-30'"),
    ("date outside the period", set_cell("signed_date", "2013-05-01"), "outside the data's period"),
    ("year mismatch", set_cell("year", "1999"), "column 'year', value '1999'"),
    ("unknown form", set_cell("form", "treaty"), "column 'form', value 'treaty'"),
    ("unknown topic", set_cell("topics", "operations;space"), "column 'topics', value 'space'"),
    ("missing source_url", set_cell("source_url", ""), "column 'source_url', value ''"),
    ("one party only", set_cell("parties", "FR"), "at least two parties"),
    ("no EU member", set_cell("parties", "GB;UA"), "at least one party must be an EU member"),
    ("wrong scope", set_cell("scope", "plurilateral"), "column 'scope', value 'plurilateral'"),
    ("wrong n_parties", set_cell("n_parties", "5"), "column 'n_parties', value '5'"),
    ("bad boolean", set_cell("mutual_defence_clause", "maybe"), "column 'mutual_defence_clause', value 'maybe'"),
    ("non-UTF-8 file", latin1, "row 2: the file is not UTF-8"),
    ("missing column", drop_column, "column 'source_url': the column is missing"),
    ("extra blank lines", blank_lines, "row 4: blank line"),
]


@pytest.mark.parametrize("name,change,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_is_refused_whole_with_its_place(tmp_path, name, change, message):
    folder = broken_copy(tmp_path, change)
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    assert "data/agreements.csv" in err.value.message or "agreements.csv" in err.value.message
    assert message in err.value.message
    out = tmp_path / "out" / "db.duckdb"
    with pytest.raises(DataError):
        build_database_file(out, folder)
    assert not out.exists(), "a refused file must leave no database behind"
    assert not list((tmp_path / "out").glob("*")), "no temporary files left either"


def test_bundled_data_loads_and_keeps_the_contract_invariants():
    data = load_dataset()
    assert len(data.countries) == 29
    assert len(data.agreements) >= 160
    assert len({a.agreement_id for a in data.agreements}) == len(data.agreements)
    codes = {c.code for c in data.countries}
    for a in data.agreements:
        assert set(a.parties) <= codes and list(a.parties) == sorted(set(a.parties))
        assert a.source_url.startswith("http")


def test_build_db_writes_the_contract_tables(tmp_path):
    out = tmp_path / "agreements.duckdb"
    r = subprocess.run([sys.executable, "-m", "assistant", "build-db", "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(out), read_only=True)
    n = con.execute("SELECT count(*) FROM agreements").fetchone()[0]
    assert n == len(load_dataset().agreements)
    assert con.execute("SELECT count(*) FROM agreement_parties").fetchone()[0] == \
        con.execute("SELECT sum(len(parties)) FROM agreements").fetchone()[0]


def test_build_db_refuses_bad_data_with_message_and_no_file(tmp_path, monkeypatch):
    import assistant.data as data_module

    folder = broken_copy(tmp_path, set_cell("parties", "FR;XX"))
    monkeypatch.setattr(data_module, "DATA_DIR", folder)
    from assistant.cli import main

    out = tmp_path / "x.duckdb"
    monkeypatch.setattr(sys, "argv", ["assistant"])
    assert main(["build-db", "--out", str(out)]) == 2
    assert not out.exists()
