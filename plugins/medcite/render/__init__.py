"""HTML: citation markers, reference lists, the bibliography page, the review box and JSON-LD."""
