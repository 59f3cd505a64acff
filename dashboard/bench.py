"""Dashboard speed with 1,000,000 facts: first page ready and a filter-change redraw, in headless Chromium.

`run_dashboard_bench()` builds a synthetic store in a temporary folder (dashboard.synthetic), serves it with
`streamlit run`, and measures in Debian's Chromium:
- cold first page: the first visitor after the server starts (the store is read into memory on this visit);
- warm first page: a new browser session afterwards (the frame is held by st.cache_resource);
- filter change: choosing a metric in the sidebar until the new table count is drawn and the app is idle.
The lead wires it into `facts bench --suite dashboard`; `python -m dashboard.bench` runs it directly.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from dashboard.serve import launch_chromium, streamlit_server, wait_for_page, wait_idle
from dashboard.synthetic import write_synthetic_store

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


def run_dashboard_bench(out=sys.stdout, facts: int = FACTS, repeats: int = REPEATS) -> dict:
    """Measure the dashboard on a store of `facts` synthetic facts; print and return the figures (seconds)."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {"facts": facts}
    with tempfile.TemporaryDirectory(prefix="facts-dashboard-bench-") as folder:
        store = Path(folder) / "facts.sqlite"
        started = time.perf_counter()
        write_synthetic_store(store, facts=facts)
        figures["store_write_s"] = time.perf_counter() - started
        print(f"dashboard bench: wrote {facts:,} synthetic facts in {figures['store_write_s']:.1f} s", file=out)
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
    print(f"dashboard bench ({facts:,} facts): server up {figures['server_up_s']:.2f} s; "
          f"first page cold {figures['first_page_cold_s']:.2f} s (reads the store), "
          f"warm {figures['first_page_warm_s']:.2f} s (median of {repeats}); "
          f"filter change {figures['filter_change_s']:.2f} s median, {figures['filter_change_max_s']:.2f} s max",
          file=out)
    return figures


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else FACTS
    run_dashboard_bench(facts=count)
