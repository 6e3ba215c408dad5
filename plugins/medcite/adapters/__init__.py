"""The front ends: ``mkdocs`` (the citations plugin) and ``cli`` (citation-lint). Nothing imports them."""
