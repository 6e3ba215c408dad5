"""``citation-lint``: lint, merge shards, add entries; argument parsing, output and exit codes."""

from __future__ import annotations

from ...core.errors import MedciteError


class UsageError(MedciteError):
    """A wrong flag, an unreadable file or an unusable config: exit status 2, the message and no traceback."""
