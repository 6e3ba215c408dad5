"""A page's Markdown *source*: code masking, citations, front matter, includes, blocks and sentences, grade.

What the linter checks and what the renderer shows are read here alike; never imports Python-Markdown."""
