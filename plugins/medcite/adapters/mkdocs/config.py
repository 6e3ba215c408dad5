"""The ``citations`` plugin's options in ``mkdocs.yml``, built from the one schema in :mod:`medcite.app.settings`.

Files (``bibliography``, ``baseline``) use MkDocs' own file option, so a wrong path fails at config time,
relative to ``mkdocs.yml``; every other option is checked by the schema's own check, the one
``citation-lint`` applies to the same block. Unknown options fail at config time.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from ...app.settings import OPTIONS, Option, SettingsError


class SchemaOption(base.BaseConfigOption[Any]):
    """One option of the shared schema, validated by the schema (MkDocs reports the message it raises)."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.option = option
        self.default = option.default

    def run_validation(self, value: object) -> Any:
        try:
            return self.option.check(value)
        except SettingsError as exc:
            message = str(exc).removeprefix(f"option '{self.option.name}': ")
            raise base.ValidationError(message) from None


def _config_option(option: Option) -> base.BaseConfigOption[Any]:
    if option.kind == "file":
        return c.Optional(c.File(exists=True))
    return SchemaOption(option)


class CitationsConfig(base.Config):
    """Options of the ``citations`` plugin: one per entry of :data:`medcite.app.settings.OPTIONS`
    (their documentation is there). The plugin reads them through :class:`medcite.app.settings.Settings`."""

    # MkDocs collects a class's options from ``_schema`` (then from class attributes, of which there are none).
    _schema = tuple((option.name, _config_option(option)) for option in OPTIONS)
