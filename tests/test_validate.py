"""The SQL gate (assistant/validate.py): one read-only SELECT over the contract's tables, with a row limit.

Tables of SQL the gate must refuse (with the reason a user reads) and SQL it must pass; every query
the engine itself builds must pass the gate unchanged.
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from assistant.answer import Engine
from assistant.errors import RefusedQuery
from assistant.validate import MAX_LIMIT, accept

# (id, sql, words the refusal message must contain)
REFUSED = [
    ("two-selects", "SELECT 1 FROM agreements LIMIT 1; SELECT 2 FROM agreements LIMIT 1", "exactly one"),
    ("select-then-drop", "SELECT 1 FROM agreements LIMIT 1; DROP TABLE agreements", "exactly one"),
    ("empty", "", "exactly one"),
    ("only-comment", "-- nothing here", "exactly one"),
    ("insert", "INSERT INTO agreements SELECT * FROM agreements", "only select"),
    ("update", "UPDATE agreements SET title = 'x'", "only select"),
    ("delete", "DELETE FROM agreements", "only select"),
    ("drop", "DROP TABLE agreements", "only select"),
    ("create", "CREATE TABLE t AS SELECT 1", "only select"),
    ("create-temp", "CREATE TEMP TABLE t AS SELECT 1", "only select"),
    ("attach", "ATTACH 'x.duckdb' AS x", "only select"),
    ("copy", "COPY agreements TO 'out.csv'", "only select"),
    ("pragma", "PRAGMA database_list", "only select"),
    ("set", "SET threads = 8", "only select"),
    ("install", "INSTALL httpfs", "only select"),
    ("load", "LOAD httpfs", "only select"),
    ("export", "EXPORT DATABASE 'dump'", "refused"),
    ("union", "SELECT title FROM agreements UNION SELECT name FROM countries LIMIT 5", "only select"),
    ("select-into", "SELECT * INTO t FROM agreements LIMIT 5", "into"),
    ("read-csv", "SELECT * FROM read_csv('/etc/passwd') LIMIT 5", "table functions"),
    ("read-parquet-subquery", "SELECT * FROM agreements WHERE title IN "
                              "(SELECT * FROM read_parquet('x.parquet')) LIMIT 5", "table functions"),
    ("glob", "SELECT * FROM glob('*') LIMIT 5", "table functions"),
    ("duckdb-settings", "SELECT * FROM duckdb_settings() LIMIT 5", "table functions"),
    ("file-as-table", "SELECT * FROM 'data.csv' LIMIT 5", "only the tables"),
    ("schema-qualified", "SELECT * FROM main.agreements LIMIT 5", "only the tables"),
    ("catalog-qualified", "SELECT * FROM other.main.agreements LIMIT 5", "only the tables"),
    ("system-view", "SELECT * FROM sqlite_master LIMIT 5", "only the tables"),
    ("pg-catalog", "SELECT * FROM pg_class LIMIT 5", "only the tables"),
    ("information-schema", "SELECT * FROM information_schema.tables LIMIT 5", "only the tables"),
    ("lateral-system-view", "SELECT * FROM agreements, LATERAL (SELECT * FROM pg_class) LIMIT 1", "only the tables"),
    ("scalar-subquery-system-view", "SELECT (SELECT COUNT(*) FROM pg_class) FROM agreements LIMIT 1",
     "only the tables"),
    ("cte-over-unknown-table", "WITH x AS (SELECT * FROM secrets) SELECT * FROM x LIMIT 5", "common table expressions"),
    ("getenv", "SELECT getenv('HOME') FROM agreements LIMIT 1", "getenv"),
    ("getvariable", "SELECT getvariable('x') FROM agreements LIMIT 1", "getvariable"),
    ("current-setting", "SELECT current_setting('threads') FROM agreements LIMIT 1", "current_setting"),
    ("version", "SELECT version() FROM agreements LIMIT 1", "not allowed"),
    ("random", "SELECT * FROM agreements ORDER BY random() LIMIT 1", "not allowed"),
    ("range", "SELECT range(10) FROM agreements LIMIT 1", "not allowed"),
    ("repeat", "SELECT repeat('x', 1000000000) FROM agreements LIMIT 1", "not allowed"),
    ("unnest-range", "SELECT unnest(range(100000000)) FROM agreements LIMIT 1", "not allowed"),
    ("no-limit", "SELECT * FROM agreements", "row limit"),
    ("limit-too-large", f"SELECT * FROM agreements LIMIT {MAX_LIMIT + 1}", "row limit"),
    ("limit-negative", "SELECT * FROM agreements LIMIT -1", "row limit"),
    ("limit-subquery", "SELECT * FROM agreements LIMIT (SELECT 5)", "row limit"),
    ("limit-expression", "SELECT * FROM agreements LIMIT 2 * 3000", "row limit"),
    ("limit-only-in-subquery", "SELECT * FROM (SELECT * FROM agreements LIMIT 5)", "row limit"),
    ("null-byte", "SELECT * FROM agreements LIMIT 5\x00", "null byte"),
    ("garbage", "SELEC * FROMM agreements", "refused"),
    ("unbalanced", "SELECT (((1 FROM agreements LIMIT 1", "refused"),
]
# Gaps these tests found in the gate, now closed: WITH is refused, LIMIT must be a plain row count.
GAPS = [
    pytest.param("cte-in-subquery-unlocks-system-view",
                 "SELECT * FROM (WITH pg_class AS (SELECT 1 AS a) SELECT * FROM pg_class) AS t, pg_class LIMIT 5"),
    pytest.param("cte-in-subquery-unlocks-database-list",
                 "SELECT * FROM (WITH duckdb_databases AS (SELECT 1 AS a) SELECT a FROM duckdb_databases) AS x, "
                 "duckdb_databases LIMIT 5"),
    pytest.param("recursive-cte-never-ends",
                 "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r LIMIT 1"),
    pytest.param("limit-percent", "SELECT * FROM agreements LIMIT 100 PERCENT"),
]
# (id, sql): legitimate queries the gate must pass.
ACCEPTED = [
    ("count", "SELECT COUNT(*) AS n FROM agreements LIMIT 1"),
    ("filters", "SELECT agreement_id, title, signed_date FROM agreements WHERE year BETWEEN 2022 AND 2024 "
                "AND form = 'cooperation agreement' ORDER BY signed_date LIMIT 100"),
    ("view-join", "SELECT c.name, COUNT(*) AS n FROM agreement_parties AS p JOIN countries AS c "
                  "ON c.code = p.country_code GROUP BY c.name ORDER BY n DESC LIMIT 10"),
    ("list-functions", "SELECT agreement_id FROM agreements WHERE list_contains(parties, 'FR') "
                       "AND list_has_any(topics, ['cyber']) LIMIT 50"),
    ("text-search", "SELECT agreement_id FROM agreements WHERE contains(lower(title), 'nancy') LIMIT 5"),
    ("subquery", "SELECT name FROM countries WHERE code NOT IN (SELECT country_code FROM agreement_parties) "
                 "LIMIT 50"),
    ("quoted-semicolon", "SELECT agreement_id FROM agreements WHERE title = 'a'' ; DROP TABLE x; --' LIMIT 5"),
    ("limit-max", f"SELECT agreement_id FROM agreements LIMIT {MAX_LIMIT}"),
    ("window", "SELECT year, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r FROM agreements "
               "GROUP BY year LIMIT 20"),
]
# Questions whose built SQL must pass the gate unchanged (one per kind of question, and then some).
QUESTIONS = [
    "How many agreements are in the data?",
    "How many agreements did Spain sign after 2020?",
    "Who are Slovakia's partners?",
    "Which deals commit the parties to defend each other?",
    "Which countries signed the most agreements since 2022?",
    "Top 5 countries by number of agreements since 2022",
    "Agreements per year by form",
    "How many agreements were signed per year?",
    "Tell me about the Treaty of Nancy",
    "Which states has Austria never signed with?",
    "What share of agreements are bilateral?",
    "What was the first agreement signed by Ukraine?",
    "List the agreements between France and Germany",
    "How many cyber agreements were signed in 2024?",
    "Which agreements have more than 3 parties?",
]


@pytest.mark.parametrize(("sql", "reason"), [(s, r) for _, s, r in REFUSED], ids=[n for n, _, _ in REFUSED])
def test_gate_refuses_with_a_reason(sql: str, reason: str):
    with pytest.raises(RefusedQuery) as refused:
        accept(sql)
    assert reason in refused.value.message.lower()


@pytest.mark.parametrize(("name", "sql"), GAPS)
def test_gate_refuses_known_gaps(name: str, sql: str):
    with pytest.raises(RefusedQuery):
        accept(sql)


@pytest.mark.parametrize("sql", [s for _, s in ACCEPTED], ids=[n for n, _ in ACCEPTED])
def test_gate_passes_legitimate_selects_and_they_run(engine: Engine, sql: str):
    accepted = accept(sql)
    assert accept(accepted) == accepted  # what runs is exactly what was checked
    assert engine.db.execute(accepted).columns


def test_gate_takes_a_sqlglot_expression():
    query = exp.select("agreement_id").from_("agreements").where(exp.column("year").eq(2024)).limit(10)
    assert accept(query) == accept(query.sql(dialect="duckdb"))


def test_user_words_stay_literals_in_built_sql():
    hostile = "x'); DROP TABLE agreements; --"
    query = exp.select("agreement_id").from_("agreements").where(
        exp.func("contains", exp.column("title"), exp.Literal.string(hostile))).limit(5)
    sql = accept(query)
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert isinstance(tree, exp.Select)
    assert hostile in [lit.this for lit in tree.find_all(exp.Literal)]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_built_query_passes_the_gate_unchanged(engine: Engine, question: str):
    answer, _ = engine.answer(question)
    assert answer.status == "ok", answer.answer
    assert answer.sql == accept(answer.sql)
