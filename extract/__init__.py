"""Statistics in Chinese local news prose, as facts (see ../shared/spec/FACTS.md).

Public API: `extract(text, doc=...) -> list[Fact]`, `Fact`, `extract_file(path)`, `EXTRACTOR_VERSION`.
"""
import warnings

from extract.compiled import stale_modules, stale_warning

if _stale := stale_modules():   # before the pipeline is imported: say which source edits do not take effect
    warnings.warn(stale_warning(_stale), RuntimeWarning, stacklevel=2)

from extract.errors import ExtractError, UnreadableInput  # noqa: E402
from extract.fact import FACT_FIELDS, Fact  # noqa: E402
from extract.pipeline import EXTRACTOR_VERSION, extract, extract_file  # noqa: E402

__all__ = ["EXTRACTOR_VERSION", "ExtractError", "FACT_FIELDS", "Fact", "UnreadableInput", "extract", "extract_file"]
