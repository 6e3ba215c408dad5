"""The Python-Markdown extension every engine runs (MkDocs, ProperDocs, Zensical); never imports MkDocs.

Its user-visible name is ``medcite`` (entry point) or ``medcite.markdown`` (the old module path, still accepted)."""
