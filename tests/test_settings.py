"""One settings schema for both front ends: the ``citations:`` block of ``mkdocs.yml`` means the same to the
MkDocs plugin and to ``citation-lint`` (same options, same defaults, same accepted and rejected values).

The drift this guards against was real: ``claims: model`` was read by ``citation-lint`` and documented, but the
plugin did not declare it, so ``mkdocs build --strict`` aborted with "Unrecognised configuration name: claims".
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from medcite.adapters.cli.main import main as lint_main
from medcite.adapters.mkdocs.config import CitationsConfig
from medcite.app.project import ProjectError, read_project
from medcite.app.settings import OPTIONS, Settings, SettingsError
from medcite.lint.checks import LintOptions

from .conftest import FRONT, run_build, write_project

# One value other than the default for every option, as an editor would write it in mkdocs.yml.
NON_DEFAULT: dict[str, Any] = {
    "bibliography": "refs.bib",
    "bibliography_page": "sources.md",
    "references_title": "Sources",
    "lint": False,
    "select": ["unknown-key", "uncited-claim"],
    "ignore": ["reading-grade"],
    "readability_target": 9,  # an int where a float is meant: both read 9.0
    "max_source_age": 5,
    "severity": {"old-sources": "warning"},
    "show": "all",
    "baseline": "baseline.json",
    "claims": "model",
}
BAD: list[tuple[str, Any]] = [
    ("claims", "modl"), ("show", "some"), ("lint", "yes"), ("readability_target", "high"),
    ("readability_target", True), ("max_source_age", 2.5), ("select", "unknown-key"), ("severity", ["x"]),
    ("severity", {"old-sources": "fatal"}), ("bibliography_page", 3), ("references_title", None),
    ("ignore", [1]), ("bibliography", 3), ("baseline", ["x"]),
]
UNKNOWN_RULES: list[tuple[str, Any]] = [("select", ["no-such-rule"]), ("ignore", ["no-such-rule"]),
                                        ("severity", {"no-such-rule": "error"})]


def write_config(root: Path, block: dict[str, Any] | None) -> Path:
    (root / "refs.bib").write_text("", encoding="utf-8")
    (root / "baseline.json").write_text("[]", encoding="utf-8")
    config = root / "mkdocs.yml"
    plugin: Any = "citations" if block is None else {"citations": block}
    config.write_text(yaml.safe_dump({"site_name": "t", "plugins": [plugin]}), encoding="utf-8")
    return config


def plugin_reads(config: Path, block: dict[str, Any] | None) -> dict[str, Any]:
    """The block as MkDocs validates it for the plugin (paths made absolute by MkDocs' own file option)."""
    checked = CitationsConfig(config_file_path=str(config))
    checked.load_dict(block or {})
    failed, warnings = checked.validate()
    if failed or warnings:
        raise SettingsError(f"{failed} {warnings}")
    values = dict(checked)
    values.update(dataclasses.asdict(Settings.from_mapping(values)))  # the rule ids, as the plugin's on_config
    return values


def cli_reads(config: Path) -> dict[str, Any]:
    project = read_project(config, required=True)
    values = dataclasses.asdict(project.settings)
    for name in ("bibliography", "baseline"):
        if values[name] is not None:
            values[name] = str(config.parent / values[name])
    return values


def test_every_option_has_a_value_in_these_tables() -> None:
    assert set(NON_DEFAULT) == {option.name for option in OPTIONS}
    assert {name for name, _ in BAD} == {option.name for option in OPTIONS}


def test_both_front_ends_have_the_same_options_and_defaults(tmp_path: Path) -> None:
    config = write_config(tmp_path, None)
    assert plugin_reads(config, None) == cli_reads(config)
    assert [name for name, _ in CitationsConfig._schema] == [option.name for option in OPTIONS]
    defaults = Settings.from_mapping({})
    assert {option.name: option.default for option in OPTIONS} == dataclasses.asdict(defaults)
    lint_defaults = LintOptions()  # the linter's own defaults agree with the schema's
    assert defaults.lint_options().readability_target == lint_defaults.readability_target
    assert defaults.lint_options().max_source_age == lint_defaults.max_source_age
    assert defaults.lint_options().claims == lint_defaults.claims


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_every_value_one_front_end_accepts_the_other_reads_the_same(tmp_path: Path, name: str) -> None:
    block = {name: NON_DEFAULT[name]}
    config = write_config(tmp_path, block)
    plugin = plugin_reads(config, block)
    assert plugin == cli_reads(config)
    assert plugin[name] != dataclasses.asdict(Settings.from_mapping({}))[name]


@pytest.mark.parametrize(("name", "value"), BAD + UNKNOWN_RULES)
def test_every_value_one_front_end_rejects_the_other_rejects(tmp_path: Path, name: str, value: Any) -> None:
    config = write_config(tmp_path, {name: value})
    with pytest.raises(SettingsError):
        plugin_reads(config, {name: value})
    with pytest.raises(ProjectError, match=rf"mkdocs.yml: citations: (option '{name}'|{name}): "):
        read_project(config, required=True)


def test_an_unknown_option_is_refused_by_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, {"claim": "model"})
    with pytest.raises(SettingsError):
        plugin_reads(config, {"claim": "model"})
    assert lint_main(["--config", str(config), "--bib", str(tmp_path / "refs.bib"), str(tmp_path)]) == 2
    assert "citations: unrecognised option(s) claim" in capsys.readouterr().err


def test_claims_model_reaches_the_plugin_linter(tmp_path: Path) -> None:
    """The plugin's linter runs the classifier the block names, as citation-lint's does."""
    project = write_project(tmp_path, {"index.md": FRONT + "# Home\n\nText.\n"}, plugin_config={"claims": "model"})
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["citations"]
    plugin.on_config(config)
    assert plugin.options.claims == "model"
    assert read_project(project / "mkdocs.yml", required=True).settings.lint_options().claims == "model"


def test_plugin_turns_a_bad_rule_id_into_a_plugin_error(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"index.md": FRONT + "# Home\n\nText.\n"}, plugin_config={"select": ["nope"]})
    config = load_config(str(project / "mkdocs.yml"))
    with pytest.raises(PluginError, match=r"citations: select: unknown rule id\(s\) nope"):
        config.plugins["citations"].on_config(config)


def test_strict_build_accepts_claims_model(tmp_path: Path) -> None:
    """The reported bug, end to end: ``claims: model`` no longer aborts ``mkdocs build --strict``."""
    project = write_project(tmp_path, {"index.md": FRONT + "# Home\n\nA page with nothing to cite.\n"},
                            plugin_config={"claims": "model"})
    result = run_build(project)
    assert result.returncode == 0, result.log
    assert "Unrecognised configuration name" not in result.log
