"""Vertebral levels and VerSe codes (mirror of packages/core/src/levels.ts)."""
import re
from typing import Dict, List, Optional

VERSE_CODES: Dict[str, int] = {}
for _i in range(7):
    VERSE_CODES["C%d" % (_i + 1)] = _i + 1
for _i in range(12):
    VERSE_CODES["T%d" % (_i + 1)] = _i + 8
for _i in range(5):
    VERSE_CODES["L%d" % (_i + 1)] = _i + 20
VERSE_CODES["L6"] = 25
VERSE_CODES["S1"] = 26
LEVEL_OF_CODE = {code: level for level, code in VERSE_CODES.items()}

VIEW_LEVELS = {
    "cervical": ["C2", "C3", "C4", "C5", "C6", "C7", "T1"],
    "lumbar": ["T12", "L1", "L2", "L3", "L4", "L5", "S1"],
}
REFERENCE_LEVEL = {"cervical": "C2", "lumbar": "S1"}

_LEVEL_RE = re.compile(r"^\s*([CTLS])\s*[-_ ]?\s*(\d{1,2})\s*$", re.IGNORECASE)


def parse_level(name: str) -> Optional[str]:
    """'c2', 'C-2', 'L 5', 'S1' -> canonical level ('C2', 'L5', 'S1'); None if not a level."""
    m = _LEVEL_RE.match(str(name))
    if not m:
        return None
    level = m.group(1).upper() + str(int(m.group(2)))
    return level if level in VERSE_CODES else None


# Default Mask R-CNN classes: every body is 'vertebra' except the two references.
REFERENCE_CLASSES = ["background", "vertebra", "C2", "S1"]
PER_LEVEL_CLASSES = ["background"] + list(VERSE_CODES)
# The references plus the level at each view's far end (T1 below a cervical spine, T12 above a
# lumbar one): a second landmark to count from when the film is cut through the reference end.
LANDMARK_CLASSES = REFERENCE_CLASSES + ["T1", "T12"]


def class_names(mode: str) -> List[str]:
    if mode == "reference":
        return list(REFERENCE_CLASSES)
    if mode == "per-level":
        return list(PER_LEVEL_CLASSES)
    if mode == "landmarks":
        return list(LANDMARK_CLASSES)
    raise ValueError("classes must be 'reference', 'landmarks' or 'per-level', got %r" % mode)


def class_index(level: str, names: List[str]) -> int:
    """Model class index of a level: its own class if the model has one, else 'vertebra'."""
    if level in names:
        return names.index(level)
    return names.index("vertebra")


def view_of_levels(levels) -> Optional[str]:
    """Guess the view from the levels present (used when the COCO image has no 'view' field)."""
    levels = set(levels)
    if levels & {"C1", "C2", "C3", "C4", "C5", "C6"}:
        return "cervical"
    if levels & {"L1", "L2", "L3", "L4", "L5", "L6", "S1"}:
        return "lumbar"
    return None
