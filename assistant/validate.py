"""The single gate: a query runs only if it is one read-only SELECT over the contract's tables.

`accept(query)` takes a sqlglot expression or SQL text, renders it, parses the text back and checks
that tree (so what runs is exactly what was checked): one SELECT statement, only the tables and view
of DATA_CONTRACT.md, only allow-listed functions (no table functions, no file or environment
access), and a row limit. Anything else raises RefusedQuery with a message a user can read.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from assistant.errors import RefusedQuery

TABLES = frozenset({"agreements", "countries", "agreement_parties"})
MAX_LIMIT = 5000
ALLOWED_FUNCTIONS = frozenset(getattr(exp, name) for name in (
    "Count", "Sum", "Min", "Max", "Avg", "Median", "Lower", "Upper", "Round", "Nullif", "Contains", "ArrayContains",
    "Unnest", "Explode", "Coalesce", "Cast", "TryCast", "Month", "Year", "TimeToStr", "RowNumber", "Rank", "Lag", "Exists",
    "DenseRank", "Length", "ArraySize", "Abs", "If", "Case", "Extract", "StrPosition", "Concat", "ArrayAgg",
    "GroupConcat", "Anonymous", "Array", "ArrayFilter",
) if hasattr(exp, name))
ANONYMOUS_ALLOWED = frozenset({"list_filter", "list_contains", "list_has_any", "list_has_all", "strftime", "rank", "dense_rank",
                               "len", "contains", "list_has", "array_has_any", "array_has_all"})
# Statements and clauses that write, configure or reach outside the database (names vary by sqlglot version).
FORBIDDEN_NODES = tuple(getattr(exp, name) for name in (
    "Insert", "Update", "Delete", "Drop", "Create", "Alter", "Command", "Pragma", "Set", "Copy", "Attach",
    "Detach", "Into", "Use", "Transaction", "Commit", "Rollback", "Merge", "TruncateTable", "Describe", "Export",
    "Install", "Load", "LoadData", "Summarize",
) if hasattr(exp, name))


def _allowed_function(node: exp.Func) -> bool:
    if isinstance(node, (exp.Binary, exp.Unary)):  # AND / OR / NOT and operators are functions to sqlglot
        return True
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower() in ANONYMOUS_ALLOWED
    return type(node) in ALLOWED_FUNCTIONS


def accept(query: exp.Expression | str) -> str:
    """Return the SQL text to run, or raise RefusedQuery saying why not."""
    sql = query if isinstance(query, str) else query.sql(dialect="duckdb")
    if "\x00" in sql:
        raise RefusedQuery("The query contains a null byte and was refused.")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, Exception) as e:  # sqlglot raises several error types on hostile text
        raise RefusedQuery(f"The query could not be read as SQL and was refused ({type(e).__name__}).") from None
    if len(statements) != 1:
        raise RefusedQuery("Exactly one SELECT statement may run; this had "
                           f"{len(statements)} statements and was refused.")
    tree = statements[0]
    if not isinstance(tree, exp.Select):
        raise RefusedQuery(f"Only SELECT queries may run; this was a {type(tree).__name__.upper()} and was refused.")
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise RefusedQuery(f"The query contains {type(node).__name__.upper()}, which may not run.")
    if tree.find(exp.With) or tree.find(exp.CTE):  # the builder never needs WITH; CTE names could shadow anything
        raise RefusedQuery("Common table expressions (WITH ...) may not run.")
    ctes: set[str] = set()
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise RefusedQuery("Table functions (such as read_csv or glob) may not run.")
        if table.args.get("db") or table.args.get("catalog"):
            raise RefusedQuery(f"Only the tables {', '.join(sorted(TABLES))} may be read; "
                               f"'{table.sql()}' was refused.")
        if table.name.lower() not in TABLES | ctes:
            raise RefusedQuery(f"Only the tables {', '.join(sorted(TABLES))} may be read; "
                               f"'{table.name}' was refused.")
    for func in tree.find_all(exp.Func):
        if not _allowed_function(func):
            name = func.name if isinstance(func, exp.Anonymous) else type(func).__name__
            raise RefusedQuery(f"The function '{name}' is not allowed in a query.")
    limit = tree.args.get("limit")
    if limit is not None and any(v for k, v in limit.args.items() if k != "expression"):
        raise RefusedQuery(f"Every query needs a plain row limit of at most {MAX_LIMIT}.")
    if limit is None or not isinstance(limit.expression, exp.Literal) or not limit.expression.is_int \
            or int(limit.expression.this) > MAX_LIMIT:
        raise RefusedQuery(f"Every query needs a row limit of at most {MAX_LIMIT}.")
    return tree.sql(dialect="duckdb")
