"""Where the registry lives and who may review, read from the environment or Streamlit's secrets.

    DPA_REGISTRY_URL   postgresql://user:password@host:5432/db, or sqlite:////absolute/path/registry.sqlite3
    DPA_DATA_HOME      the data folder for the default SQLite file (default: $XDG_DATA_HOME/defence-pacts-assistant,
                       i.e. ~/.local/share/defence-pacts-assistant) — never inside the checkout
    DPA_REVIEWERS      name=hash pairs separated by commas (hashes from `python -m assistant hash-password`)

The same keys may be set in .streamlit/secrets.toml: `registry_url = "..."`, `data_home = "..."` and a table
`[reviewers]` of name = hash. The environment wins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "DPA_REGISTRY_URL"
HOME_ENV = "DPA_DATA_HOME"
REVIEWERS_ENV = "DPA_REVIEWERS"
SQLITE_NAME = "registry.sqlite3"


@dataclass(frozen=True)
class RegistryConfig:
    url: str  # sqlite:///... or postgresql://...
    reviewers: tuple[tuple[str, str], ...]  # (name, password hash)

    @property
    def kind(self) -> str:
        return "postgresql" if self.url.startswith(("postgresql://", "postgres://")) else "sqlite"


def _secrets() -> Mapping:
    """Streamlit's secrets when a secrets file exists (outside Streamlit, or without one: nothing)."""
    try:
        import streamlit as st

        return dict(st.secrets) if st.secrets.load_if_toml_exists() else {}
    except Exception:  # no secrets file, or a malformed one: the environment and defaults still apply
        return {}


def data_home(env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Path:
    env = os.environ if env is None else env
    secrets = _secrets() if secrets is None else secrets
    chosen = (env.get(HOME_ENV) or str(secrets.get("data_home", ""))).strip()
    if chosen:
        return Path(chosen).expanduser()
    xdg = env.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(xdg) / "defence-pacts-assistant"


def parse_reviewers(text: str) -> tuple[tuple[str, str], ...]:
    """'alice=scrypt$...,bob=scrypt$...' -> (('alice', 'scrypt$...'), ...)."""
    pairs = []
    for item in text.split(","):
        name, _, digest = item.strip().partition("=")
        if name.strip() and digest.strip():
            pairs.append((name.strip(), digest.strip()))
    return tuple(pairs)


def load_config(env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> RegistryConfig:
    env = os.environ if env is None else env
    secrets = _secrets() if secrets is None else secrets
    url = (env.get(URL_ENV) or str(secrets.get("registry_url", ""))).strip()
    if not url:
        url = "sqlite:///" + str(data_home(env, secrets) / SQLITE_NAME)
    if env.get(REVIEWERS_ENV, "").strip():
        reviewers = parse_reviewers(env[REVIEWERS_ENV])
    else:
        table = secrets.get("reviewers", {}) or {}
        reviewers = tuple((str(k), str(v)) for k, v in dict(table).items())
    return RegistryConfig(url, reviewers)
