"""The real dashboard: `streamlit run` on a free port, driven by Playwright in Debian's headless Chromium.

Needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk; never `playwright install`). Screenshots go to
tests/artifacts/.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from dashboard.data import FilterState, apply_filters, download_name, prepare_frame
from dashboard.serve import CHROMIUM, launch_chromium, streamlit_server, wait_for_page, wait_idle
from extract.store import load_facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: apt-get install chromium fonts-noto-cjk"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def server(known_store, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with streamlit_server(known_store, log=log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # Tall enough that the table and the source view are on screen without scrolling Streamlit's main block.
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def _open(page, server: str, query: str = "") -> None:
    page.goto(f"{server}/{query}")
    wait_for_page(page)


def _captions(page) -> str:
    return "\n".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())


def _chart_png(page) -> bytes:
    return page.locator('[data-testid="stVegaLiteChart"]').first.screenshot()


def _store_frame(store: Path):
    return prepare_frame(load_facts(store))


def test_setting_a_filter_changes_chart_table_and_url(page, server, known_store):
    _open(page, server)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"))
    assert "共 9 条" in _captions(page)
    chart_before = _chart_png(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="资金").click()
    page.wait_for_function("() => document.body.innerText.includes('共 3 条')", timeout=30_000)
    wait_idle(page)
    assert "metric=" + quote("资金") in page.url or "metric=资金" in unquote(page.url)
    assert page.get_by_text("资金，单位：元").is_visible()
    assert _chart_png(page) != chart_before
    page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"))


@dataclass(frozen=True)
class DownloadCase:
    id: str
    query: str
    state: FilterState
    button: str
    expect_rows: int


DOWNLOAD_CASES = [
    DownloadCase("metric", "?metric=" + quote("资金"), FilterState(metric="funds"), "下载 CSV（3 条）", 3),
    DownloadCase("place-and-search", "?city=" + quote("徐州市") + "&q=" + quote("党员"),
                 FilterState(city="徐州市", search="党员"), "下载 CSV（2 条）", 2),
]


@pytest.mark.parametrize("case", DOWNLOAD_CASES, ids=lambda c: c.id)
def test_csv_download_holds_the_filtered_rows_of_the_store(page, server, known_store, case: DownloadCase):
    _open(page, server, case.query)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=case.button).click()
    download = info.value
    assert download.suggested_filename == download_name(case.state, "csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    expected = apply_filters(_store_frame(known_store), case.state)
    assert len(rows) == case.expect_rows == len(expected)
    assert sorted((r["fact_id"], r["text"], float(r["value"]), r["unit"]) for r in rows) == sorted(
        (str(f), str(t), float(v), str(u))
        for f, t, v, u in zip(expected["fact_id"], expected["text"], expected["value"], expected["unit"]))


def test_a_facts_source_opens_and_script_stays_text(page, server):
    _open(page, server, "?source=" + quote("南通日报"))
    grid = page.locator('[data-testid="stDataFrame"]').locator("visible=true").last
    box = grid.bounding_box()
    # Glide data grid: a header row, then rows of 35 px; the row-marker column at the left selects a row.
    page.mouse.click(box["x"] + 12, box["y"] + 35 * 3 + 17)
    page.locator("mark.fact.current").first.wait_for(timeout=30_000)
    wait_idle(page)
    article = page.locator("div.source-text")
    assert "某村<script>document.title='pwned'</script>投入资金200万元修路。" in article.inner_text()
    assert article.locator("mark.fact.current").inner_text() == "200万元"
    assert article.locator("script").count() == 0
    assert page.title() != "pwned" and page.dialogs == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-source.png"))
