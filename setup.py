"""Build: the extractor's modules are compiled to C by mypyc (mypy's compiler for typed Python) when this machine
has a C compiler; the package is the same Python source either way, and runs without the compiled modules.

Why: extraction is many small Python steps per fact (reading the match, the exclusions, the locality, the subject),
none dominant; compiled, the same code runs about 1.4x faster (measured in README.md, "Speed").

FACTS_PURE_PYTHON=1 at install time skips the compilation: for editing the extractor, since an editable install
puts the compiled modules beside their sources and Python then imports those, not the edited `.py`
(`extract/__init__.py` warns when a compiled module is older than its source).
Everything else (metadata, dependencies, the `facts` command) is in pyproject.toml.
"""
from __future__ import annotations

import os
import sys

from setuptools import setup

# The modules that extraction runs through, in the order the pipeline composes them; the rest (commands, store,
# refresh, evaluation) spend their time in SQLite, pandas and file reading, where compiling gains nothing.
COMPILED = [
    "extract/fact.py",
    "extract/language.py",
    "extract/segment.py",
    "extract/cleanup.py",
    "extract/numerals.py",
    "extract/quantities.py",
    "extract/exclusions.py",
    "extract/metrics.py",
    "extract/subjects.py",
    "extract/gazetteer.py",
    "extract/places.py",
    "extract/pipeline.py",
]

# mypy's own checks come first: a type error stops the compilation (and then the build falls back to Python).
# Imports outside the compiled modules are not followed: numpy, regex and cn2an are used as untyped modules.
MYPY_OPTIONS = ["--ignore-missing-imports", "--follow-imports=silent", "--disable-error-code=annotation-unchecked"]


def _compiled_modules() -> list:
    if os.environ.get("FACTS_PURE_PYTHON"):
        print("facts: FACTS_PURE_PYTHON is set: the extractor stays pure Python", file=sys.stderr)
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("facts: mypyc is not installed: the extractor stays pure Python", file=sys.stderr)
        return []
    try:
        extensions = mypycify([*MYPY_OPTIONS, *COMPILED], opt_level="3", debug_level="0", group_name="extract_native")
    except (SystemExit, Exception) as exc:   # mypycify exits on a type error
        print(f"facts: mypyc could not compile the extractor ({exc!r}): it stays pure Python", file=sys.stderr)
        return []
    for ext in extensions:
        ext.optional = True   # no C compiler: a warning, and the pure-Python modules
    return extensions


_extensions = _compiled_modules()
# always compile: mypyc leaves an unchanged C file as it was, and the build would then keep a compiled module
# older than its edited source (which `extract/__init__.py` warns about)
setup(ext_modules=_extensions, options={"build_ext": {"force": True}} if _extensions else {})
