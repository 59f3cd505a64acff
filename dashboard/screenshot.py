"""`python -m dashboard.screenshot STORE [OUT.png]`: the overview page of the dashboard on STORE, as headless Chromium
draws it (1400x1000, the whole page), for the README (dashboard/screenshot.png)."""
from __future__ import annotations

import sys
from pathlib import Path

from dashboard.serve import launch_chromium, streamlit_server, wait_for_page

DEFAULT_OUT = Path(__file__).resolve().parent / "screenshot.png"


def take_screenshot(store: Path, out: Path = DEFAULT_OUT) -> Path:
    from playwright.sync_api import sync_playwright

    with streamlit_server(store, timeout=120) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            wait_for_page(page, timeout_ms=120_000)
            page.wait_for_timeout(1500)  # let the charts finish their drawing
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m dashboard.screenshot STORE [OUT.png]")
    print(take_screenshot(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUT))
