"""The hardened, read-only DuckDB connection the answers run on, and query execution."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assistant.data import Dataset, load_dataset, write_database_file
from assistant.errors import AssistantError

QUERY_SECONDS = 10.0
HARDENED = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
    "threads": 1,
}


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]


class Database:
    """One read-only, hardened connection per process; a cursor per thread for concurrent users."""

    def __init__(self, path: Path | str, dataset: Dataset | None = None):
        self.path = Path(path)
        self.dataset = dataset
        self._con = duckdb.connect(str(self.path), read_only=True, config=dict(HARDENED))
        self._local = threading.local()

    @classmethod
    def from_data(cls, data_dir: Path | str | None = None, until: dt.date | None = None) -> Database:
        """Validate data/ (as it stood on `until`, if given) and open it as a private read-only database."""
        return cls.from_dataset(load_dataset(data_dir, until))

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Database:
        """Write a checked dataset to a private temporary DuckDB file and open that read-only."""
        folder = tempfile.mkdtemp(prefix="defence-pacts-")
        atexit.register(shutil.rmtree, folder, True)
        write_database_file(Path(folder) / "agreements.duckdb", dataset)
        return cls(Path(folder) / "agreements.duckdb", dataset)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self._con.cursor()
        return cur

    def execute(self, sql: str, timeout: float = QUERY_SECONDS) -> Result:
        """Run one query; a query still running after `timeout` seconds is interrupted (defence in depth:
        the gate admits only our own shapes of query, but a cost it cannot see is still bounded here)."""
        cur = self.cursor()
        timer = threading.Timer(timeout, cur.interrupt)
        timer.start()
        try:
            cur.execute(sql)
            columns = [d[0] for d in cur.description]
            return Result(columns, cur.fetchall())
        except duckdb.InterruptException:
            raise AssistantError(f"That question took too long to answer (over {timeout:g} s) and was stopped. "
                                 "Try narrowing it, for example to a country or a period.") from None
        finally:
            timer.cancel()
