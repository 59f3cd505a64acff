"""Errors of the extractor. Every one is a ValueError, so that callers can catch bad input in one place."""
from __future__ import annotations


class ExtractError(ValueError):
    """Base of every error this package raises on bad input or bad arguments."""


class UnreadableInput(ExtractError):
    """An input file or record that cannot be turned into text. `reason` is a short, stable word for logs."""

    reason = "unreadable"

    def __init__(self, source: str, detail: str):
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {self.reason}: {detail}")


class EmptyInput(UnreadableInput):
    reason = "empty"


class BinaryInput(UnreadableInput):
    reason = "binary"


class UndecodableInput(UnreadableInput):
    reason = "undecodable"


class OversizedInput(UnreadableInput):
    reason = "oversized"


class BadRecord(UnreadableInput):
    reason = "bad-record"
