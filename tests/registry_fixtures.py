"""Registries for the tests: a SQLite file in a temporary folder, and (when DPA_TEST_POSTGRES_URL names a server,
as scripts/test.sh arranges) a fresh PostgreSQL database per test. All proposals here are synthetic."""

from __future__ import annotations

import os
import secrets
import urllib.parse

import pytest

from assistant.data import load_dataset
from assistant.registry.config import RegistryConfig
from assistant.registry.proposals import ADD, Proposal
from assistant.registry.reviewers import hash_password
from assistant.registry.store import Store

PG_ENV = "DPA_TEST_POSTGRES_URL"
REVIEWERS = (("rita", hash_password("rita-secret-1")), ("rolf", hash_password("rolf-secret-2")))
BACKENDS = ["sqlite", "postgresql"]


def synthetic(n: int = 1, **cells) -> Proposal:
    """A clearly synthetic agreement (never real data): France and Poland, cyber, on a day in 2026."""
    row = {"title": f"Synthetic test arrangement number {n} (not a real agreement)", "signed_date": "2026-02-03",
           "date_precision": "day", "parties": "FR;PL", "form": "cooperation agreement", "topics": "cyber",
           "mutual_defence_clause": "false", "summary": "A synthetic row made by the tests.",
           "source_url": f"https://example.org/synthetic/{n}"}
    row.update(cells)
    return Proposal.of(ADD, row, reason="test", proposed_by="tester")


def _pg_database(base_url: str):
    """A new empty database on the test server; dropped by the returned function."""
    import pg8000.dbapi

    u = urllib.parse.urlsplit(base_url)
    name = "dpa_t_" + secrets.token_hex(5)
    kw = dict(user=u.username or "postgres", host=u.hostname, port=u.port or 5432, password=u.password)
    con = pg8000.dbapi.connect(database=(u.path or "/postgres").lstrip("/"), **kw)
    con.autocommit = True
    con.cursor().execute(f"CREATE DATABASE {name}")

    def drop():
        con.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.close()

    return urllib.parse.urlunsplit(u._replace(path="/" + name)), drop


@pytest.fixture(scope="session")
def base_data():
    return load_dataset()


@pytest.fixture
def registry_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    if not os.environ.get(PG_ENV):
        if os.environ.get("DPA_REQUIRE_POSTGRES"):
            pytest.fail(f"{PG_ENV} is not set but DPA_REQUIRE_POSTGRES asks for the PostgreSQL tests")
        pytest.skip(f"no PostgreSQL server ({PG_ENV} unset; scripts/postgres.sh starts one)")
    url, drop = _pg_database(os.environ[PG_ENV])
    yield url
    drop()


@pytest.fixture
def store(registry_url, base_data) -> Store:
    return Store(RegistryConfig(registry_url, REVIEWERS), base_data)


def sign_in(store: Store, name: str = "rita"):
    return store.reviewers.sign_in(name, f"{name}-secret-{1 if name == 'rita' else 2}")
