"""Statistics in Chinese local news prose, as facts (see ../shared/spec/FACTS.md).

Public API: `extract(text, doc=...) -> list[Fact]`, `Fact`, `extract_file(path)`, `EXTRACTOR_VERSION`.
"""
from extract.errors import ExtractError, UnreadableInput
from extract.fact import FACT_FIELDS, Fact
from extract.pipeline import EXTRACTOR_VERSION, extract, extract_file

__all__ = ["EXTRACTOR_VERSION", "ExtractError", "FACT_FIELDS", "Fact", "UnreadableInput", "extract", "extract_file"]
