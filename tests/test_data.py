"""The loader refuses a malformed data file whole, naming file, row, column and value."""

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from assistant.data import DATA_DIR, build_database_file, load_agreements, load_countries, load_dataset
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
    ("date before the period", set_cell("signed_date", "2013-05-01"), "before the data's period"),
    ("date in the future", set_cell("signed_date", "2999-05-01"), "in the future"),
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


# ---- the data's period: from 2014 to the newest row; a row may be signed up to the day it is loaded ----------

TODAY = dt.date(2026, 11, 25)
SIGNED = [
    ("2013-12-31", "before the data's period"),
    ("2014-01-01", None),
    ("2025-09-30", None),  # the last day of the brief's period
    ("2025-10-01", None),  # after the brief's period: the data keeps growing
    ("2026-05-13", None),
    ("2026-11-25", None),  # signed today
    ("2026-11-26", "in the future (after 2026-11-25)"),
]


@pytest.mark.parametrize("signed,refusal", SIGNED, ids=[s for s, _ in SIGNED])
def test_the_loader_accepts_rows_signed_up_to_today(tmp_path, signed, refusal):
    folder = broken_copy(tmp_path, lambda rows: [{**rows[0], "signed_date": signed, "year": signed[:4]}])
    countries = load_countries(folder / "countries.csv")
    if refusal is None:
        (a,) = load_agreements(folder / "agreements.csv", countries, today=TODAY)
        assert a.signed_date == dt.date.fromisoformat(signed)
    else:
        with pytest.raises(DataError) as err:
            load_agreements(folder / "agreements.csv", countries, today=TODAY)
        assert f"row 2, column 'signed_date', value '{signed}'" in err.value.message
        assert refusal in err.value.message


def _tiny(tmp_path: Path, log: str = "") -> Path:
    """Three rows (2016, 2025, 2026) and, if given, a change log."""
    base = _first_rows()[0]
    rows = [{**base, "agreement_id": aid, "signed_date": day, "year": day[:4], "form": form}
            for aid, day, form in (("A0001", "2016-06-11", "statement of intent"),
                                   ("A0002", "2025-09-24", "statement of intent"),
                                   ("A0003", "2026-01-06", "statement of intent"))]
    broken_copy(tmp_path, lambda _: rows)
    if log:
        (tmp_path / "changes.csv").write_text(
            "changed_on,agreement_id,column,old_value,new_value,reason\n" + log, encoding="utf-8")
    return tmp_path


LOG = ("2026-11-25,A0002,added,,Luxembourg-Romania,new row\n"
       "2026-11-25,A0003,added,,Multinational force,new row\n"
       "2026-11-25,A0001,signed_date,2016-06-01,2016-06-11,the day is public\n"
       "2026-11-25,A0001,date_precision,month,day,the day is public\n"
       "2026-11-25,A0001,form,cooperation agreement,statement of intent,a declaration of intent\n")
AS_OF = [
    # (log, as-of day, ids kept, A0001 as it reads then, period the answers say)
    ("", None, ["A0001", "A0002", "A0003"], ("2016-06-11", "statement of intent"), "2014 – January 2026"),
    ("", dt.date(2025, 9, 30), ["A0001", "A0002"], ("2016-06-11", "statement of intent"), "2014 – September 2025"),
    ("", dt.date(2016, 6, 30), ["A0001"], ("2016-06-11", "statement of intent"), "2014 – June 2016"),
    (LOG, None, ["A0001", "A0002", "A0003"], ("2016-06-11", "statement of intent"), "2014 – January 2026"),
    (LOG, dt.date(2026, 11, 25), ["A0001", "A0002", "A0003"], ("2016-06-11", "statement of intent"),
     "2014 – November 2026"),
    (LOG, dt.date(2025, 9, 30), ["A0001"], ("2016-06-01", "cooperation agreement"), "2014 – September 2025"),
]


@pytest.mark.parametrize("log,day,ids,first,period", AS_OF, ids=[f"{bool(c[0])}-{c[1]}" for c in AS_OF])
def test_the_data_as_it_stood_on_a_day(tmp_path, log, day, ids, first, period):
    data = load_dataset(_tiny(tmp_path, log), until=day)
    assert [a.agreement_id for a in data.agreements] == ids
    a = data.agreements[0]
    assert (a.signed_date.isoformat(), a.form, a.year) == (*first, int(first[0][:4]))
    assert data.period == period


CHANGE_LOG_FAULTS = [
    ("2026-11-25,A0009,added,,x,r\n", "column 'agreement_id', value 'A0009'"),
    ("2026-11-25,A0001,year,2015,2016,r\n", "column 'column', value 'year'"),
    ("2026-11-25,A0001,signed_date,June 2016,2016-06-11,r\n", "column 'old_value', value 'June 2016'"),
    ("yesterday,A0001,form,a,b,r\n", "column 'changed_on', value 'yesterday'"),
    ("2026-11-25,A0001,form,a,b,r\n2026-01-01,A0002,form,a,b,r\n", "row 3, column 'changed_on'"),
]


@pytest.mark.parametrize("log,message", CHANGE_LOG_FAULTS, ids=[m for _, m in CHANGE_LOG_FAULTS])
def test_a_broken_change_log_is_refused_with_its_place(tmp_path, log, message):
    with pytest.raises(DataError) as err:
        load_dataset(_tiny(tmp_path, log))
    assert "data/changes.csv" in err.value.message or "changes.csv" in err.value.message
    assert message in err.value.message


def test_a_corrected_date_keeps_its_id_and_is_logged(tmp_path, monkeypatch):
    """data/merge_sources.py with a correction: the row keeps its id, the log has the old value, and the data
    as it stood before the correction still reads the old date."""
    import importlib.util

    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("*.geojson", "*.md", "__pycache__"))
    spec = importlib.util.spec_from_file_location("merge_sources", folder / "merge_sources.py")
    merge = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(merge)
    monkeypatch.setattr(merge, "HERE", folder)
    before = {r["agreement_id"]: r for r in _first_rows()}
    target = next(r for r in before.values() if r["date_precision"] == "month")
    day = target["signed_date"][:8] + "15"
    for path in (folder / "sources").glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            if merge.key(r) == merge.key(target):
                r["signed_date"], r["date_precision"] = day, "day"
                with open(path, "w", encoding="utf-8", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(rows[0]))
                    w.writeheader()
                    w.writerows(rows)
    corrections = folder / "sources" / "corrections.csv"
    if not corrections.exists():
        corrections.write_text("agreement_id,title,signed_date,parties,reason\n", encoding="utf-8")
    with open(corrections, "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([target["agreement_id"], target["title"], day, target["parties"], "test"])
    merge.main(["--reason", "a test correction"])
    after = {r["agreement_id"]: r for r in csv.DictReader(open(folder / "agreements.csv", encoding="utf-8"))}
    assert set(after) == set(before)
    assert after[target["agreement_id"]]["signed_date"] == day
    logged = list(csv.DictReader(open(folder / "changes.csv", encoding="utf-8")))[-2:]
    assert [(c["agreement_id"], c["column"], c["old_value"], c["new_value"]) for c in logged] == [
        (target["agreement_id"], "signed_date", target["signed_date"], day),
        (target["agreement_id"], "date_precision", "month", "day")]
    yesterday = dt.date.today() - dt.timedelta(days=1)
    old = {a.agreement_id: a for a in load_dataset(folder, until=yesterday).agreements}
    assert old[target["agreement_id"]].signed_date.isoformat() == target["signed_date"]
