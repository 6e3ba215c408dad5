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
