"""The ``citations:`` block of ``mkdocs.yml``: one schema, read by the MkDocs plugin and by ``citation-lint``.

Each option is declared once here (name, kind, default, what it does). The plugin's
``CitationsConfig`` is built from this table (:mod:`medcite.adapters.mkdocs.config`) and the CLI
validates the block it reads from ``mkdocs.yml`` with the same checks, so an option one front end
accepts the other accepts too, with the same meaning and default (``tests/test_settings.py``).
Build-only options (``lint``, ``show``, ``references_title``, ``bibliography_page``) are accepted by
the CLI and simply have no effect there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..core.errors import MedciteError
from ..core.model import SEVERITIES, Severity
from ..core.rules import RULES
from ..lint.checks import LintOptions

Kind = Literal["file", "str", "bool", "float", "int", "choice", "rules", "severities"]
ClaimsClassifier = Literal["rules", "model", "meaning"]
LogShow = Literal["errors", "warnings", "all"]  # what the build log lists one by one


class SettingsError(MedciteError):
    """An option of the ``citations:`` block has a value of the wrong kind; the message names the option."""


@dataclass(frozen=True)
class Option:
    name: str
    kind: Kind
    default: Any
    doc: str
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> Any:
        """``value`` as this option holds it, or :class:`SettingsError` saying what was expected (the shape
        only: rule ids are checked by :meth:`Settings.from_mapping`, once the whole block is read)."""
        if value is None and self.kind == "file":
            return None
        if self.kind in ("file", "str"):
            if not isinstance(value, str):
                raise self._error(f"expected text, got {_kind_of(value)}")
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise self._error(f"expected true or false, got {_kind_of(value)}")
            return value
        if self.kind in ("float", "int"):
            wanted = (int, float) if self.kind == "float" else (int,)
            if isinstance(value, bool) or not isinstance(value, wanted):
                raise self._error(f"expected a number, got {_kind_of(value)}")
            return float(value) if self.kind == "float" else value
        if self.kind == "choice":
            if value not in self.choices:
                raise self._error(f"expected one of {', '.join(self.choices)}, got {value!r}")
            return value
        if self.kind == "rules":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise self._error(f"expected a list of rule ids, got {_kind_of(value)}")
            return list(value)
        if not isinstance(value, Mapping):
            raise self._error(f"expected rule: level pairs, got {_kind_of(value)}")
        for rule, level in value.items():
            if level not in SEVERITIES:
                raise self._error(f"{rule}: {level!r} is not one of {', '.join(SEVERITIES)}")
        return dict(value)

    def _error(self, message: str) -> SettingsError:
        return SettingsError(f"option '{self.name}': {message}")


def _kind_of(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _known_rules(option: str, rules: Any) -> None:
    unknown = sorted(str(rule) for rule in rules if rule not in RULES)
    if unknown:
        raise SettingsError(f"{option}: unknown rule id(s) {', '.join(unknown)} (see citation-lint --list-rules)")


OPTIONS: tuple[Option, ...] = (
    Option("bibliography", "file", None,
           "BibTeX file, relative to mkdocs.yml. Only for sites that do not list the ``medcite`` Markdown extension "
           "themselves: the plugin then adds it with this file (and the two options below). Sites that must also "
           "build with Zensical set ``bibliography`` on the extension instead."),
    Option("bibliography_page", "str", "bibliography.md",
           "Page holding the bibliography marker; generated when the file does not exist."),
    Option("references_title", "str", "References",
           "Heading of the numbered list at the end of each page (when the plugin adds the extension)."),
    Option("lint", "bool", True,
           "Run citation-lint's checks during the build (errors fail ``mkdocs build --strict``)."),
    Option("select", "rules", [], "Only these rule ids (empty: all rules)."),
    Option("ignore", "rules", [], "Rule ids to skip."),
    Option("readability_target", "float", 8.0, "Warn when an article's Flesch-Kincaid grade is above this."),
    Option("max_source_age", "int", 10,
           "Advise when every source of a claim is older than this many years (one finding per source)."),
    Option("severity", "severities", {},
           "Rule id -> the level to report it at, e.g. ``{old-sources: warning}``; only errors fail ``--strict``."),
    Option("show", "choice", "errors",
           "Which findings the build log lists one by one (the rest are counted); errors always come last.",
           choices=get_args(LogShow)),
    Option("baseline", "file", None,
           "Accepted findings (``citation-lint --write-baseline FILE``): only new ones are reported or fail the "
           "build."),
    Option("claims", "choice", "meaning",
           "Claim classifier: ``meaning`` (the default: pretrained meaning + the rule table's matches + page "
           "context), ``rules`` (the explainable table alone) or ``model`` (learnt from words).",
           choices=get_args(ClaimsClassifier)),
)
OPTION = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """The ``citations:`` block, checked; paths are relative to the folder of ``mkdocs.yml``. The defaults
    are the table's (``Settings.from_mapping({})``), declared nowhere else."""

    bibliography: str | None
    bibliography_page: str
    references_title: str
    lint: bool
    select: list[str]
    ignore: list[str]
    readability_target: float
    max_source_age: int
    severity: dict[str, Severity]
    show: LogShow
    baseline: str | None
    claims: ClaimsClassifier

    @classmethod
    def from_mapping(cls, block: Mapping[str, Any] | None) -> Settings:
        """The block as written in ``mkdocs.yml`` (``None``: ``- citations`` with no options)."""
        block = block or {}
        unknown = sorted(str(name) for name in block if name not in OPTION)
        if unknown:
            raise SettingsError(f"unrecognised option(s) {', '.join(unknown)}; the options are "
                                f"{', '.join(OPTION)}")
        values = {option.name: option.check(option.default) for option in OPTIONS}
        values.update((name, OPTION[name].check(value)) for name, value in block.items())
        for option in OPTIONS:
            if option.kind in ("rules", "severities"):
                _known_rules(option.name, values[option.name])
        return cls(**values)

    def lint_options(self, *, select: frozenset[str] | None = None, ignore: frozenset[str] | None = None,
                     severity: Mapping[str, Severity] | None = None,
                     claims: ClaimsClassifier | None = None) -> LintOptions:
        """What the linter needs; the CLI's flags, when given, replace (select, ignore, claims) or extend
        (severity) what the block says."""
        return LintOptions(
            select=select if select is not None else frozenset(self.select),
            ignore=ignore if ignore is not None else frozenset(self.ignore),
            readability_target=self.readability_target,
            max_source_age=self.max_source_age,
            severity=tuple(sorted({**self.severity, **(severity or {})}.items())),
            claims=claims or self.claims,
        )
