"""Where the registry lives and who reviews: environment first, then Streamlit's secrets, then the default SQLite
file in the user's data folder, never inside the checkout; and compose's shared PostgreSQL registry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.registry.config import load_config, parse_reviewers

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("env, secrets, url", [
    ({"HOME": "/home/u"}, {}, None),  # default: the user's data folder
    ({"XDG_DATA_HOME": "/x"}, {}, "sqlite:////x/defence-pacts-assistant/registry.sqlite3"),
    ({"DPA_DATA_HOME": "/srv/dpa"}, {}, "sqlite:////srv/dpa/registry.sqlite3"),
    ({}, {"data_home": "/from/secrets"}, "sqlite:////from/secrets/registry.sqlite3"),
    ({}, {"registry_url": "postgresql://a@h/db"}, "postgresql://a@h/db"),
    ({"DPA_REGISTRY_URL": "postgresql://env@h/db"}, {"registry_url": "postgresql://s@h/db"}, "postgresql://env@h/db"),
])
def test_the_registry_url_comes_from_the_environment_then_secrets_then_the_data_folder(env, secrets, url):
    config = load_config(env, secrets)
    if url is None:
        assert config.url.startswith("sqlite:///") and "defence-pacts-assistant" in config.url
        assert str(ROOT) not in config.url
    else:
        assert config.url == url
    assert config.kind == ("postgresql" if config.url.startswith("postgresql") else "sqlite")


@pytest.mark.parametrize("env, secrets, expected", [
    ({"DPA_REVIEWERS": "rita=scrypt$a, rolf=scrypt$b"}, {}, (("rita", "scrypt$a"), ("rolf", "scrypt$b"))),
    ({}, {"reviewers": {"ann": "scrypt$c"}}, (("ann", "scrypt$c"),)),
    ({"DPA_REVIEWERS": "rita=scrypt$a"}, {"reviewers": {"ann": "scrypt$c"}}, (("rita", "scrypt$a"),)),
    ({}, {}, ()),
])
def test_reviewers_come_from_configuration(env, secrets, expected):
    assert load_config(env, secrets).reviewers == expected


@pytest.mark.parametrize("text, expected", [("", ()), ("bad", ()), ("a=", ()), ("=h", ()), ("a=h=x", (("a", "h=x"),))])
def test_malformed_reviewer_entries_are_ignored(text, expected):
    assert parse_reviewers(text) == expected


def test_compose_runs_the_replicas_on_one_postgresql_registry():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    url = services["app"]["environment"]["DPA_REGISTRY_URL"]
    db = services["registry"]["environment"]
    assert url.startswith(f"postgresql://{db['POSTGRES_USER']}:") and url.endswith(f"@registry:5432/{db['POSTGRES_DB']}")
    assert services["app"]["depends_on"]["registry"]["condition"] == "service_healthy"
    assert "pg_isready" in services["registry"]["healthcheck"]["test"]
