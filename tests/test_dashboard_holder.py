"""dashboard/holder.py and dashboard/launch.py: the one frame a server holds, read at start, on real stores."""
from __future__ import annotations

from pathlib import Path

from dashboard import holder
from dashboard.data import first_page
from dashboard.holder import first_page_for, frame_for, preload
from dashboard.launch import app_arguments
from dashboard.synthetic import write_synthetic_store
from extract.store import snapshot_path, store_signature


def test_the_frame_is_read_once_per_store_version(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    write_synthetic_store(store, facts=40, places=10)
    first = frame_for(store, store_signature(store))
    assert len(first) == 40 and frame_for(store, store_signature(store)) is first
    assert snapshot_path(store).is_file()


def test_a_preloaded_frame_is_what_the_first_visitor_gets(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    write_synthetic_store(store, facts=24, places=6)
    preload(store).join(timeout=60)
    # Read by the preload thread, before any visitor asked.
    assert holder._held["key"] == (str(store.absolute()), store_signature(store))
    assert frame_for(store, store_signature(store)) is holder._held["frame"]
    assert len(holder._held["frame"]) == 24


def test_a_missing_store_is_not_preloaded_nor_created(tmp_path: Path):
    preload(tmp_path / "missing.sqlite").join(timeout=60)
    assert not (tmp_path / "missing.sqlite").exists()


def test_launch_passes_the_app_its_own_arguments():
    assert app_arguments(["run", "app.py", "--server.port", "1", "--", "--store", "/x.sqlite"]) == [
        "--store", "/x.sqlite"]
    assert app_arguments(["run", "app.py"]) == []


def test_the_preload_computes_the_first_page(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    write_synthetic_store(store, facts=30, places=6)
    signature = store_signature(store)
    preload(store).join(timeout=60)
    page = first_page_for(store, signature)
    expected = first_page(frame_for(store, signature))
    assert page is not None and page.options == expected.options
    assert page.view.summary == expected.view.summary and page.view.rows.equals(expected.view.rows)
    assert first_page_for(store, ("another", "version")) is None
