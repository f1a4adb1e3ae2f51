"""Gold annotations: records by character offsets, joined back to corpus text.

Loading checks every span against its document and refuses documents that
``../shared/data/README.md`` reserves for evaluation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError

RESERVED_CORPORA = {"allsides": "the AllSides corpus is evaluation and profiling only"}


def evaluation_ids(data_root: Path) -> set[str]:
    """FA-KES ``unit_id``s reserved for evaluation."""
    path = data_root / "fa-kes" / "evaluation-ids.txt"
    if not path.exists():
        raise FramingError(f"{path}: not found; point --data at the shared data folder")
    return set(path.read_text().split())
