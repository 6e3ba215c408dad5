"""``citation-lint``: lint, merge shards, add entries; argument parsing, output and exit codes."""
