"""Shared fixtures: one engine (database + vocabulary) per test session, built from the bundled data."""

import pytest

from assistant.answer import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(strict=True)  # an internal error fails the test that met it


from tests.registry_fixtures import base_data, registry_url, store  # noqa: E402, F401  (the registry's fixtures)
