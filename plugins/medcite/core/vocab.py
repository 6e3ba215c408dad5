"""Vocabularies shared by the linter, the renderer and the importers (one definition of each)."""

from __future__ import annotations

# The evidence levels a bibliography entry may declare (its ``evidence`` field), with the label readers see.
EVIDENCE_LABELS = {
    "guideline": "Guideline",
    "systematic-review": "Systematic review",
    "rct": "Randomised trial",
    "cohort": "Cohort study",
    "cross-sectional": "Cross-sectional study",
    "review": "Review",
    "textbook": "Textbook",
    "statistics": "Statistics",
}
EVIDENCE_LEVELS: tuple[str, ...] = tuple(EVIDENCE_LABELS)
# The levels that back an efficacy or comparison claim on their own (weak-evidence below them).
STRONG_EVIDENCE = frozenset({"guideline", "systematic-review", "rct"})


def evidence_choices() -> str:
    """The levels as an editor reads them in a message: ``guideline, …, textbook or statistics``."""
    return ", ".join(EVIDENCE_LEVELS[:-1]) + " or " + EVIDENCE_LEVELS[-1]
