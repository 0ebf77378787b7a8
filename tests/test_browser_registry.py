"""The registry's round trip in a real browser (Debian Chromium, as tests/test_browser.py): a chat opened first,
a proposal typed into the form, a reviewer signs in and accepts it, and the open chat's next answer has the
new row in its count. The server runs on a temporary registry, SQLite and then PostgreSQL; the proposal is synthetic."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from assistant.data import load_dataset
from assistant.registry.reviewers import hash_password
from tests.registry_fixtures import PG_ENV, _pg_database
from tests.test_browser import ARTIFACTS, ASSISTANT, _open, _settled, browser, serve  # noqa: F401

COUNT = "How many agreements are there?"
TITLE = "Synthetic browser arrangement on cyber ranges (not a real agreement)"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def registry_server(request, tmp_path_factory):
    home = tmp_path_factory.mktemp("registry")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DPA_DATA_HOME": str(home),
           "DPA_REVIEWERS": f"rita={hash_password('rita-secret-1')}"}
    env.pop("DPA_REGISTRY_URL", None)
    drop = None
    if request.param == "postgresql":
        if not os.environ.get(PG_ENV):
            if os.environ.get("DPA_REQUIRE_POSTGRES"):
                pytest.fail(f"{PG_ENV} is not set but DPA_REQUIRE_POSTGRES asks for the PostgreSQL tests")
            pytest.skip(f"no PostgreSQL server ({PG_ENV} unset)")
        env["DPA_REGISTRY_URL"], drop = _pg_database(os.environ[PG_ENV])
    try:
        with serve(f"streamlit-registry-server-{request.param}.log", env) as url:
            yield url
    finally:
        if drop:
            drop()


def _choose(page, label: str, options: list[str]) -> None:
    """Pick options in a Streamlit selectbox or multiselect by typing them."""
    box = page.get_by_label(label, exact=True).first
    for option in options:
        box.click()
        box.fill(option)
        page.get_by_role("option", name=option, exact=False).first.click()
        page.keyboard.press("Escape")


def ask(chat, question: str, n: int):
    box = chat.locator('[data-testid="stChatInput"] textarea')
    box.fill(question)
    box.press("Enter")
    expect(chat.locator(ASSISTANT)).to_have_count(n, timeout=30_000)
    _settled(chat)
    return chat.locator(ASSISTANT).last


def test_propose_review_and_the_open_chat_answers_with_the_new_row(registry_server, browser):  # noqa: F811
    n = len(load_dataset().agreements)
    chat = _open(browser, registry_server)  # a session open before the change
    expect(ask(chat, COUNT, 1)).to_contain_text(f"{n} agreements")

    page = chat.context.new_page()
    page.goto(f"{registry_server}/Propose_an_agreement", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Propose an agreement").wait_for(timeout=60_000)
    _settled(page)
    page.get_by_label("Title (the English name of the document)").fill(TITLE)
    for part, value in (("year", "2026"), ("month", "02"), ("day", "03")):  # the date field's three segments
        page.get_by_role("spinbutton", name=f"{part}, Date signed").click()
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    _settled(page)
    _choose(page, "Parties (every signatory state)", ["France", "Poland"])
    form = page.locator('[data-testid="stSelectbox"]').filter(has_text="Form").first
    form.click()
    page.keyboard.type("cooperation")
    page.get_by_role("option", name="cooperation agreement").click()
    _choose(page, "Topics", ["cyber"])
    page.get_by_label("Summary (one or two sentences in your own words)").fill("A synthetic row made by the tests.")
    url = page.get_by_label("Source (a public web page that documents the agreement)")
    url.fill("https://example.org/synthetic/browser")
    url.press("Tab")
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "registry-0-form.png"), full_page=True)
    page.get_by_role("button", name="Send for review").click()
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "registry-0b-sent.png"), full_page=True)
    page.get_by_text("is waiting for a reviewer").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "registry-1-proposed.png"))

    page.goto(f"{registry_server}/Review", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Review proposals").wait_for(timeout=60_000)
    page.get_by_label("Reviewer name").fill("rita")
    page.get_by_role("textbox", name="Password").fill("rita-secret-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Proposal 1").wait_for(timeout=30_000)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "registry-2-review.png"), full_page=True)
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Proposal 1 accepted").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0

    answer = ask(chat, COUNT, 2)  # the same session, no reload
    expect(answer).to_contain_text(f"{n + 1} agreements")
    chat.screenshot(path=str(ARTIFACTS / "registry-3-answer.png"), full_page=True)
