"""The one check of a change against the loader's rules, shared by the stores and the editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefmap.data.loader import LoadResult
    from briefmap.data.validate import ValidationIssue
    from briefmap.store.base import Edit, StoredRecords


def edit_issues(
    records: StoredRecords,
    edits: Sequence[Edit],
    *,
    why: str | None = None,
    before: LoadResult | None = None,
) -> list[ValidationIssue]:
    """See :func:`briefmap.store.base.check_edits`."""
    raise NotImplementedError("check_edits: coming with the files store (issue 27, step 3)")
