"""The root of every error medcite raises on purpose, so each front end turns them into its message in one place.

Content problems are not errors: they become findings with a file and line. These are for what stops a
run: a file that cannot be read at all, a bad option, a record that cannot be imported.
"""

from __future__ import annotations


class MedciteError(Exception):
    """Something medcite cannot go on with; the message says what and where, for a person to read."""
