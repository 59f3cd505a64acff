"""Which of the package's modules run compiled (setup.py compiles the extractor with mypyc), and which compiled
module is older than its source.

An editable install puts `places.cpython-311-x86_64-linux-gnu.so` beside `places.py`, and Python imports the
compiled one: an edit to `places.py` does nothing until the package is installed again. `stale_modules` names such
modules, so that importing the package can say so instead of silently running the old code.
"""
from __future__ import annotations

import importlib.machinery
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def compiled_modules(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    """{module name: its compiled file} for every module of the package that has a compiled build beside it."""
    out: dict[str, Path] = {}
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for ext in package_dir.glob(f"*{suffix}"):
            name = ext.name[: -len(suffix)]
            if (package_dir / f"{name}.py").exists():
                out[name] = ext
    return dict(sorted(out.items()))


def stale_modules(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Modules whose source changed after they were compiled: Python still runs the compiled, older code."""
    return [name for name, ext in compiled_modules(package_dir).items()
            if (package_dir / f"{name}.py").stat().st_mtime > ext.stat().st_mtime]


def stale_warning(names: list[str]) -> str:
    return (f"extract: {', '.join(n + '.py' for n in names)} changed after it was compiled, and Python runs the "
            "compiled, older code: install the package again (pip install -e .), or install it with "
            "FACTS_PURE_PYTHON=1 while editing the extractor")
