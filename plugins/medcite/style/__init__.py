"""The Citing Medicine (Vancouver) style: the pybtex style, its name, case and page rules, and the formatter."""

from __future__ import annotations

from .vancouver import VancouverStyle

__all__ = ["VancouverStyle"]
