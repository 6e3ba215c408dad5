"""Running the linter over a site: the worker pool, the lint cache, shards, and the report formats.

Shared by both adapters (the MkDocs plugin and citation-lint); never imports MkDocs or argparse."""
