"""One connection to the registry's database, SQLite or PostgreSQL, with the same SQL on both.

SQL is written with '?' placeholders (SQLite's); for PostgreSQL (pg8000) they become '%s'. A write transaction
takes the registry's one write lock first — SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock on the version —
so two reviewers' accepts run one after the other and neither is lost.
"""

from __future__ import annotations

import queue
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

BUSY_MS = 15000
IDLE_CONNECTIONS = 4  # open connections kept for the next transaction

_TABLES = """
CREATE TABLE IF NOT EXISTS proposals (
    id {serial}, kind TEXT NOT NULL, agreement_id TEXT NOT NULL, cells TEXT NOT NULL,
    reason TEXT NOT NULL, proposed_by TEXT NOT NULL, proposed_at TEXT NOT NULL, status TEXT NOT NULL,
    reviewed_by TEXT, reviewed_at TEXT, note TEXT, result_id TEXT)
|
CREATE TABLE IF NOT EXISTS changes (
    seq {serial}, data_version INTEGER NOT NULL, changed_at TEXT NOT NULL,
    agreement_id TEXT NOT NULL, action TEXT NOT NULL, col TEXT NOT NULL, old_value TEXT NOT NULL,
    new_value TEXT NOT NULL, reason TEXT NOT NULL, source_url TEXT NOT NULL, proposed_by TEXT NOT NULL,
    reviewed_by TEXT NOT NULL, proposal_id BIGINT NOT NULL, note TEXT NOT NULL)
"""
SCHEMA = {  # statements, in order; the change log refuses UPDATE and DELETE in the database itself
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO meta VALUES ('data_version', 0)",
        *_TABLES.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT").split("|"),
        "CREATE TRIGGER IF NOT EXISTS changes_no_update BEFORE UPDATE ON changes "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS changes_no_delete BEFORE DELETE ON changes "
        "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END",
    ),
    "postgresql": (
        "SELECT pg_advisory_xact_lock(120012)",  # two servers starting at once create the tables once
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT INTO meta VALUES ('data_version', 0) ON CONFLICT (key) DO NOTHING",
        *_TABLES.format(serial="BIGSERIAL PRIMARY KEY").split("|"),
        "CREATE OR REPLACE FUNCTION changes_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the change log is append-only'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS changes_no_rewrite ON changes",
        "CREATE TRIGGER changes_no_rewrite BEFORE UPDATE OR DELETE ON changes "
        "FOR EACH ROW EXECUTE FUNCTION changes_append_only()",
    ),
}


class RegistryUnavailable(AssistantError):
    """The registry's database could not be reached or opened."""


class Tx:
    """One open transaction: run statements, read rows."""

    def __init__(self, cursor: Any, kind: str):
        self._cur, self._kind = cursor, kind

    def run(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        self._cur.execute(sql.replace("?", "%s") if self._kind == "postgresql" else sql, tuple(params))
        return self

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return [tuple(r) for r in self.run(sql, params)._cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


class Backend:
    """Connections to the registry at `url` (sqlite:///path or postgresql://user:pw@host:port/db)."""

    def __init__(self, url: str):
        self.url = url
        self.kind = "postgresql" if url.startswith(("postgresql://", "postgres://")) else "sqlite"
        self._idle: queue.LifoQueue = queue.LifoQueue(maxsize=IDLE_CONNECTIONS)
        if self.kind == "sqlite":
            path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
            self.path = Path(path).expanduser()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise RegistryUnavailable(f"The registry's folder {self.path.parent} cannot be created ({e.strerror}).") from None
        with self.transaction(write=True) as tx:
            for statement in SCHEMA[self.kind]:
                tx.run(statement.strip())

    def _connect(self) -> Any:
        if self.kind == "sqlite":
            con = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
            con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            con.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
            con.execute("PRAGMA synchronous = NORMAL")
            return con
        import pg8000.dbapi

        u = urllib.parse.urlsplit(self.url)
        try:
            return pg8000.dbapi.connect(
                user=urllib.parse.unquote(u.username or "postgres"), host=u.hostname or "localhost",
                password=urllib.parse.unquote(u.password) if u.password else None, port=u.port or 5432,
                database=(u.path or "/").lstrip("/") or "postgres", timeout=30)
        except Exception as e:
            raise RegistryUnavailable(f"The registry's PostgreSQL server could not be reached ({type(e).__name__}).") from None

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Tx]:
        """A transaction committed when the block ends, rolled back on any error. `write`: take the write lock
        first, so the block reads the newest committed state and no other writer runs until it ends."""
        try:
            con = self._idle.get_nowait()  # a PostgreSQL connection costs ~60 ms to open: keep a few
        except queue.Empty:
            con = self._connect()
        healthy = False
        try:
            cur = con.cursor()
            if self.kind == "sqlite":
                cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            tx = Tx(cur, self.kind)
            if write and self.kind == "postgresql":
                tx.run("SET LOCAL lock_timeout = '15s'")
                if _has_meta(tx):
                    tx.run("SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE")
            yield tx
            con.commit() if self.kind == "postgresql" else cur.execute("COMMIT")
            healthy = True
        except BaseException:
            try:
                con.rollback() if self.kind == "postgresql" else con.execute("ROLLBACK")
                healthy = True
            except Exception:  # the connection itself broke: it is closed, not kept
                pass
            raise
        finally:
            try:
                if not healthy:
                    raise queue.Full
                self._idle.put_nowait(con)
            except queue.Full:
                con.close()


def _has_meta(tx: Tx) -> bool:
    return tx.one("SELECT to_regclass('meta') IS NOT NULL")[0]  # type: ignore[index]
