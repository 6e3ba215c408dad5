"""Turning records (PubMed .nbib, RIS, CSL JSON) into BibTeX entries for ``citation-lint add``."""
