"""What the validation tests expect of a load: an issue at a place, with part of its message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expected:
    """An issue we expect: where, and a distinctive part of the message."""

    file: str
    record: str
    field: str
    fragment: str

    @property
    def where(self) -> tuple[str, str, str]:
        return (self.file, self.record, self.field)
