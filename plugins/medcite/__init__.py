"""medcite: cited, checked patient-education pages for MkDocs.

The core (bibliography, citations, style, claims, lint, markdown) never imports MkDocs;
``plugin`` and ``config`` are the thin MkDocs adapter and ``cli`` is ``citation-lint``.
"""

from __future__ import annotations

__version__ = "0.1.0"
