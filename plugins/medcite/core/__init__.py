"""Plain data and vocabularies: references, citations, findings, identifiers, NLM text rules, the disk cache.

Standard library only (and never MkDocs or Python-Markdown); every other subpackage builds on it."""
