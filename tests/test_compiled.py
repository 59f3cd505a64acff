"""The compiled build (setup.py: mypyc) is what an install on a machine with a C compiler runs, so it is what the
tests must cover: the modules setup.py names are compiled, none is older than its source, and the compiled
extractor gives exactly the facts of its pure-Python source."""
from __future__ import annotations

import ast
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import extract
from extract.compiled import compiled_modules, stale_modules, stale_warning

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _setup_compiled() -> list[str]:
    """setup.py's COMPILED list, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COMPILED" for t in node.targets):
            return [Path(p).stem for p in ast.literal_eval(node.value)]
    raise AssertionError("setup.py has no COMPILED list")


def _can_compile() -> str | None:
    """Why this install cannot be compiled, or None when it should have been."""
    if os.environ.get("FACTS_PURE_PYTHON"):
        return "FACTS_PURE_PYTHON is set: the package was installed as pure Python on purpose"
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc}) on this machine: the package runs as pure Python"
    if Path(extract.__file__).resolve().parent != ROOT / "extract":
        return "the package under test is not this checkout's"
    return None


# ---------------------------------------------------------------------------------------------- the helpers


def _package(tmp_path: Path, files: dict[str, int]) -> Path:
    """A package folder of real files: {file name: modification time}."""
    for name, mtime in files.items():
        f = tmp_path / name
        f.write_text("x = 1\n" if name.endswith(".py") else "not really compiled")
        os.utime(f, (mtime, mtime))
    return tmp_path


@pytest.mark.parametrize("files, compiled, stale", [
    # {file: mtime} -> modules with a compiled build beside them, and those whose source is newer
    ({"places.py": 100, f"places{SUFFIX}": 200}, ["places"], []),
    ({"places.py": 300, f"places{SUFFIX}": 200}, ["places"], ["places"]),        # edited after compiling
    ({"places.py": 100, "cli.py": 100, f"places{SUFFIX}": 200}, ["places"], []),  # cli.py is never compiled
    ({f"extract_native__mypyc{SUFFIX}": 200}, [], []),                           # a runtime library, no source
    ({"places.py": 100}, [], []),                                                 # pure Python
])
def test_compiled_and_stale_modules_are_read_off_the_files(tmp_path, files, compiled, stale):
    folder = _package(tmp_path, files)
    assert list(compiled_modules(folder)) == compiled
    assert stale_modules(folder) == stale


def test_the_stale_warning_names_the_file_and_the_remedy():
    text = stale_warning(["places", "numerals"])
    assert "places.py, numerals.py" in text and "pip install -e ." in text and "FACTS_PURE_PYTHON=1" in text


# ---------------------------------------------------------------------------------------------- this install


def test_every_module_setup_names_is_compiled_and_current():
    reason = _can_compile()
    if reason:
        pytest.skip(reason)
    assert sorted(compiled_modules()) == sorted(_setup_compiled())
    assert stale_modules() == []


def test_the_compiled_extractor_gives_the_facts_of_its_source(tmp_path):
    """The pure-Python source, copied without its compiled files, and the compiled install read the sample
    articles to the same facts, field by field (mypyc checks declared types at run time: a wrong annotation
    would show here as an error or a difference)."""
    if not compiled_modules():
        pytest.skip("the package is not compiled here: there is nothing to compare")
    pure = tmp_path / "pure"
    shutil.copytree(ROOT / "extract", pure / "extract",
                    ignore=shutil.ignore_patterns(f"*{SUFFIX}", "__pycache__"))
    articles = str(ROOT / "data" / "articles")
    run = {}
    for name, path in [("pure", str(pure)), ("compiled", "")]:
        env = {**os.environ, "PYTHONPATH": path} if path else dict(os.environ)
        where = subprocess.run([sys.executable, "-c", "import extract.places as p; print(p.__file__)"],
                               capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout.strip()
        assert where.endswith(".py") == (name == "pure"), where
        out = subprocess.run([sys.executable, "-m", "extract", "extract", articles], capture_output=True,
                             text=True, env=env, cwd=tmp_path, check=True)
        run[name] = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(run["compiled"]) > 400
    assert run["pure"] == run["compiled"]
