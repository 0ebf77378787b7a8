"""The Streamlit server under a real browser: cold start to first answer, and many sessions at once.

Starts `streamlit run assistant/app.py` on a free localhost port and drives Debian Chromium with
Playwright (async: one browser, one context per session). An answer counts as shown when the newest
assistant message holds the text the engine gives in-process for the same conversation; the next
question is typed only after the script run has finished.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from measure import cpu_seconds, machine_cpu, proc_status

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
INPUT = '[data-testid="stChatInput"] textarea'
ASSISTANT = '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])'
# Resolves to "ok", or "error: ..." when an error is on screen; false (keep waiting) otherwise.
SHOWN = """([n, want]) => {
  const norm = s => s.replace(/\\s+/g, ' ').trim();
  const msgs = document.querySelectorAll('%s');
  const broken = document.querySelector('[data-testid="stException"]');
  if (broken) return 'error: ' + norm(broken.innerText).slice(0, 300);
  if (msgs.length < n) return false;
  const text = norm(msgs[msgs.length - 1].innerText);
  if (text.includes(want)) return 'ok';
  if (/something went wrong|traceback/i.test(text)) return 'error: ' + text.slice(0, 300);
  return false;
}""".replace("%s", ASSISTANT)
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def missing() -> str | None:
    """Why the browser parts cannot run here, or None."""
    if not (ROOT / "assistant" / "app.py").exists():
        return "assistant/app.py does not exist yet"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server process on localhost, with its RSS sampled while it runs."""

    def __init__(self, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "assistant/app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.peak_sampled_kib = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_sampled_kib = max(self.peak_sampled_kib, proc_status(self.proc.pid).get("VmRSS", 0))

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds from process start until /_stcore/health answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Streamlit server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the Streamlit server did not become healthy in time")

    def cpu_s(self) -> float:
        return cpu_seconds(self.proc.pid)

    def memory(self) -> dict[str, int]:
        return proc_status(self.proc.pid)

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


async def _launch(pw):
    return await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


async def _open(browser, url: str, timeout_ms: int):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    await page.goto(url, wait_until="domcontentloaded")
    await page.wait_for_selector(INPUT, state="visible")
    return context, page


async def _ask(page, question: str, n: int, want: str, timeout_ms: int) -> tuple[str, float, float, float]:
    """Type the n-th question; (outcome, Enter pressed, answer shown, script run finished) as perf_counter s."""
    box = page.locator(INPUT)
    await box.fill(question)
    start = time.perf_counter()
    await box.press("Enter")
    try:
        handle = await page.wait_for_function(SHOWN, arg=[n, norm(want)], timeout=timeout_ms, polling=25)
        outcome = await handle.json_value()
    except Exception as e:  # a timeout: record what is on screen instead
        texts = await page.locator(ASSISTANT).all_inner_texts()
        shown = norm(texts[-1])[:300] if len(texts) >= n else f"only {len(texts)} answers on screen"
        return f"mismatch: expected {want[:120]!r}, shown {shown!r} ({type(e).__name__})", start, 0.0, 0.0
    shown = time.perf_counter()
    await page.wait_for_selector(IDLE, state="attached")
    return outcome, start, shown, time.perf_counter()


def cold_start(question: str, want: str, runs: int, log_dir: Path) -> list[dict]:
    """Per run: seconds from server process start to healthy, to the chat input shown, to the answer shown."""
    from playwright.async_api import async_playwright

    async def main() -> list[dict]:
        results = []
        async with async_playwright() as pw:
            browser = await _launch(pw)  # the browser is the user's, already open: not counted
            for i in range(runs):
                server = Server(log_dir / f"streamlit-cold-{i}.log")
                try:
                    healthy = server.wait_healthy()
                    context, page = await _open(browser, server.url, 120_000)
                    page_s = time.perf_counter() - server.started
                    outcome, enter, shown, _ = await _ask(page, question, 1, want, 120_000)
                    results.append({"healthy_s": healthy, "page_s": page_s, "outcome": outcome,
                                    "answer_s": shown - server.started, "enter_to_answer_ms": (shown - enter) * 1000})
                    await context.close()
                finally:
                    server.stop()
            await browser.close()
        return results

    return asyncio.run(main())


@dataclass
class LoadResult:
    sessions: int
    questions_each: int
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # Enter -> answer shown
    run_ms: list[float] = field(default_factory=list)  # Enter -> script run finished
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    answered: int = 0
    timed_out: bool = False
    server_rss_idle_kib: int = 0
    server_rss_end_kib: int = 0
    server_peak_kib: int = 0
    healthy_s: float = 0.0
    server_cpu_s: float = 0.0  # CPU the server used during the sessions
    machine_busy: float = 0.0  # share of all the machine's CPUs busy during the sessions (server + browser)


def load_test(plans: list[list[tuple[str, str]]], log_dir: Path, bound_s: float,
              answer_timeout_ms: int = 120_000) -> LoadResult:
    """One session per plan (a list of (question, expected answer text)), all at once, on one server."""
    from playwright.async_api import async_playwright

    result = LoadResult(len(plans), max((len(p) for p in plans), default=0))

    async def session(browser, url: str, plan: list[tuple[str, str]]) -> None:
        context, page = await _open(browser, url, answer_timeout_ms)
        try:
            for n, (question, want) in enumerate(plan, start=1):
                outcome, enter, shown, finished = await _ask(page, question, n, want, answer_timeout_ms)
                if outcome == "ok":
                    result.answered += 1
                    result.latencies_ms.append((shown - enter) * 1000)
                    result.run_ms.append((finished - enter) * 1000)
                elif outcome.startswith("error"):
                    result.errors.append(f"{question!r}: {outcome}")
                    return
                else:
                    result.mismatches.append(f"{question!r}: {outcome}")
                    return  # the conversation is off track from here on
        finally:
            await context.close()

    async def main() -> None:
        server = Server(log_dir / "streamlit-load.log")
        try:
            result.healthy_s = server.wait_healthy()
            async with async_playwright() as pw:
                browser = await _launch(pw)
                # One visit first loads the engine (cached for the process), as a real server would have.
                context, page = await _open(browser, server.url, answer_timeout_ms)
                await context.close()
                result.server_rss_idle_kib = server.memory().get("VmRSS", 0)
                cpu_before, machine_before = server.cpu_s(), machine_cpu()
                start = time.perf_counter()
                tasks = [asyncio.create_task(session(browser, server.url, plan)) for plan in plans]
                done, pending = await asyncio.wait(tasks, timeout=bound_s)
                result.wall_s = time.perf_counter() - start
                result.server_cpu_s = server.cpu_s() - cpu_before
                busy, total = (a - b for a, b in zip(machine_cpu(), machine_before, strict=True))
                result.machine_busy = busy / total if total else 0.0
                if pending:
                    result.timed_out = True
                    for t in pending:
                        t.cancel()
                    await asyncio.gather(*pending, return_exceptions=True)
                for t in done:
                    if t.exception() is not None:
                        result.errors.append(f"session failed: {type(t.exception()).__name__}: "
                                             f"{str(t.exception())[:200]}")
                mem = server.memory()
                result.server_rss_end_kib = mem.get("VmRSS", 0)
                result.server_peak_kib = max(mem.get("VmHWM", 0), server.peak_sampled_kib)
                await browser.close()
        finally:
            server.stop()

    asyncio.run(main())
    return result
