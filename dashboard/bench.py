"""Dashboard speed with 1,000,000 facts: first page ready and a filter-change redraw, in headless Chromium.

`run_dashboard_bench()` builds a synthetic store in a temporary folder (dashboard.synthetic), serves it with
`streamlit run`, and measures in Debian's Chromium:
- cold first page: the first visitor after the server starts (the store is read into memory on this visit);
- warm first page: a new browser session afterwards (the frame is held by st.cache_resource);
- filter change: choosing a metric in the sidebar until the new table count is drawn and the app is idle.
The lead wires it into `facts bench --suite dashboard`; `python -m dashboard.bench` runs it directly.
"""
from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard.serve import launch_chromium, streamlit_server, wait_for_page, wait_idle
from dashboard.synthetic import write_synthetic_store
from extract.store import count_rows

# What the store bench measures (extract.bench_store): facts carry their article's date, so one covering index
# answers it without joining articles.
DATE_GROUP_BY_SQL = ("SELECT city, COUNT(*), SUM(value) FROM facts WHERE metric = ? AND unit = ? "
                     "AND date BETWEEN ? AND ? GROUP BY city")

FACTS = 1_000_000
REPEATS = 3


def _filter_change_seconds(page, option: str) -> float:
    """Choose `option` in the first sidebar selectbox (指标) and time until the chart heading names it and the app
    is idle."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    option_locator = page.get_by_role("option", name=option, exact=True)
    option_locator.wait_for()
    started = time.perf_counter()
    option_locator.click()
    page.get_by_text(f"{option}，单位：").wait_for(timeout=60_000)
    wait_idle(page)
    return time.perf_counter() - started


def date_group_by_seconds(store: Path, runs: int = 5) -> tuple[float, int]:
    """The store's filtered group-by (one metric and unit in a date range, by city) in SQL: best of `runs`
    after a warm-up, and the number of groups."""
    conn = sqlite3.connect(f"{store.absolute().as_uri()}?mode=ro", uri=True)
    try:
        dates = conn.execute("SELECT MIN(date), MAX(date) FROM facts WHERE metric = 'throughput'").fetchone()
        low = dates[0]
        high = (date.fromisoformat(dates[0]) + (date.fromisoformat(dates[1]) - date.fromisoformat(dates[0])) / 4)
        params = ("throughput", "吨", low, high.isoformat())
        conn.execute(DATE_GROUP_BY_SQL, params).fetchall()
        times, groups = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            groups = len(conn.execute(DATE_GROUP_BY_SQL, params).fetchall())
            times.append(time.perf_counter() - started)
        return min(times), groups
    finally:
        conn.close()


def run_dashboard_bench(out=sys.stdout, facts: int = FACTS, repeats: int = REPEATS,
                        store: Path | None = None) -> dict:
    """Measure the dashboard on a store of `facts` synthetic facts (or on `store`, left as it is); print and
    return the figures (seconds)."""
    figures: dict[str, float] = {"facts": facts}
    if store is not None:
        figures.update(measure_store(Path(store), repeats, out))
        return figures
    with tempfile.TemporaryDirectory(prefix="facts-dashboard-bench-") as folder:
        store = Path(folder) / "facts.sqlite"
        started = time.perf_counter()
        write_synthetic_store(store, facts=facts)
        figures["store_write_s"] = time.perf_counter() - started
        print(f"dashboard bench: wrote {facts:,} synthetic facts in {figures['store_write_s']:.1f} s", file=out)
        figures.update(measure_store(store, repeats, out))
    return figures


def measure_store(store: Path, repeats: int, out) -> dict:
    """Serve `store`, measure in Chromium and in SQL, print the figures and return them."""
    from playwright.sync_api import sync_playwright

    facts = count_rows(store)["facts"]
    figures: dict[str, float] = {"facts": facts}
    folder = Path(tempfile.mkdtemp(prefix="facts-dashboard-bench-log-"))
    started = time.perf_counter()
    with streamlit_server(store, log=Path(folder) / "streamlit.log", timeout=120) as url:
        figures["server_up_s"] = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(url)
                wait_for_page(page, timeout_ms=180_000)
                figures["first_page_cold_s"] = time.perf_counter() - started
                warm = []
                for _ in range(repeats):
                    fresh = browser.new_page(viewport={"width": 1400, "height": 1000})
                    started = time.perf_counter()
                    fresh.goto(url)
                    wait_for_page(fresh)
                    warm.append(time.perf_counter() - started)
                    fresh.close()
                figures["first_page_warm_s"] = statistics.median(warm)
                changes = [_filter_change_seconds(page, option)
                           for option in ("资金", "吞吐量", "参与人数", "面积", "比率")[: max(repeats, 1) + 2]]
                figures["filter_change_s"] = statistics.median(changes)
                figures["filter_change_max_s"] = max(changes)
            finally:
                browser.close()
    figures["date_group_by_s"], groups = date_group_by_seconds(store)
    print(f"dashboard bench ({facts:,} facts): server up {figures['server_up_s']:.2f} s; "
          f"first page cold {figures['first_page_cold_s']:.2f} s (first visitor after the start; target 3 s), "
          f"warm {figures['first_page_warm_s']:.2f} s (new session, median of {repeats}); "
          f"filter change {figures['filter_change_s']:.2f} s median, {figures['filter_change_max_s']:.2f} s max "
          f"(target 0.5 s); store group-by of one metric in a date range by city, in SQL: "
          f"{figures['date_group_by_s'] * 1000:.1f} ms, {groups} groups (target 300 ms)", file=out)
    shutil.rmtree(folder, ignore_errors=True)
    return figures


if __name__ == "__main__":
    # python -m dashboard.bench [FACTS] [--store PATH]: a new synthetic store of FACTS facts, or an existing store.
    arguments = sys.argv[1:]
    given = Path(arguments[arguments.index("--store") + 1]) if "--store" in arguments else None
    numbers = [a for a in arguments if a.isdigit()]
    run_dashboard_bench(facts=int(numbers[0]) if numbers else FACTS, store=given)
