"""Shared fixtures: one engine (database + vocabulary) per test session, built from the bundled data."""

import os
import tempfile

import pytest

from assistant.answer import Engine

# The app's registry (assistant/registry) must never be a real one during tests: a fresh SQLite file in a
# temporary data folder, for this process and the Streamlit servers the browser tests start.
for _key in ("DPA_REGISTRY_URL", "DPA_REVIEWERS"):
    os.environ.pop(_key, None)
os.environ["DPA_DATA_HOME"] = tempfile.mkdtemp(prefix="dpa-test-data-")


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(strict=True)  # an internal error fails the test that met it


from tests.registry_fixtures import base_data, registry_url, store  # noqa: E402, F401  (the registry's fixtures)
