"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The live server listens on loopback only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

from world import World  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "var/npm/node_modules/axe-core/axe.min.js"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True, scope="module")
def _sqlite_flush_keeps_append_only_triggers():
    """Between live-server tests Django empties every table with DELETE, which the append-only triggers refuse
    on SQLite: lift them for the flush and put them back right after (PostgreSQL's TRUNCATE needs nothing)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    DatabaseOperations = type(connection.ops)
    from carejourney.append_only import statements

    guarded = [statements("clinic_journeyevent", "journey events"), statements("audit_auditentry", "audit entries")]
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        drop = [sql for _, undo in guarded for sql in undo["sqlite"]]
        create = [sql for do, _ in guarded for sql in do["sqlite"]]
        return drop + list(statements) + create

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make system-packages` installs Debian's chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def world(transactional_db, live_server) -> World:
    return World()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh contexts (separate cookies), with axe-core loaded before each page's own code."""
    assert AXE.exists(), f"{AXE} is missing: `make system-packages` installs the npm package axe-core there"
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, viewport={"width": 390, "height": 844})
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()
