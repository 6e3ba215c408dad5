"""The linter: the rule ids, every check that turns a page or an entry into findings, baseline, advice.

No output and no I/O beyond reading what it is given; never imports the renderer or Python-Markdown."""
