"""The rule registry (``medcite.core.rules``) is the one place a rule's id, category, default severity, scope and
summary live; --list-rules, SARIF, --select/--severity, the settings schema and advice grouping all read it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main as lint_main
from medcite.app.settings import Settings, SettingsError
from medcite.bib.bibliography import parse_bibliography
from medcite.core.rules import REGISTRY, RULES, Rule
from medcite.lint.checks import LintOptions, check_bibliography

from .conftest import FRONT, SMALL_BIB

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "medcite"
# Where findings are rebuilt from stored JSON (the one codec): they carry the rule they were made with.
DECODERS = {"core/codec.py"}
MAKERS = {"_finding", "_bib", "_note"}  # the checks' helpers around ``RULES[rule].finding``


def test_every_rule_has_a_complete_record() -> None:
    assert len({rule.id for rule in REGISTRY}) == len(REGISTRY) == len(RULES)
    for rule in REGISTRY:
        assert rule.summary.endswith(".") and rule.category and rule.scope in ("page", "entry", "site")
        if rule.grouped:
            assert rule.severity == "advice" and "{n}" in rule.grouped and "{keys}" in rule.grouped


def test_findings_are_made_only_through_the_registry() -> None:
    """No check writes a severity or category of its own: no ``Finding(...)`` outside the registry and the
    decoders of stored findings, and a severity other than the rule's default only as ``severity=``."""
    makers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name == "core/rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and name not in DECODERS:
                makers.append(f"{name}:{node.lineno}")
            called = getattr(node, "func", None)
            maker = getattr(called, "attr", None) == "finding" or getattr(called, "id", "") in MAKERS
            if maker and any(isinstance(arg, ast.Constant) and arg.value in ("error", "warning", "advice")
                             for arg in node.args):  # type: ignore[attr-defined]
                makers.append(f"{name}:{node.lineno} (a literal severity)")
    assert makers == []


def test_every_registered_rule_is_made_somewhere() -> None:
    """A record with no check behind it would be listed, selectable and documented, and never fire."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")
                       if path.name != "rules.py")
    assert [rule.id for rule in REGISTRY if f'"{rule.id}"' not in source] == []


def test_default_severity_and_category_come_from_the_registry(tmp_path: Path) -> None:
    bib, findings = parse_bibliography("@article{a, title = {T}, year = {2020}}\n@article{a, title = {U}}\n",
                                       "refs.bib")
    everything = findings + check_bibliography(bib, set(), LintOptions())
    assert everything, "the planted entries should produce findings"
    for finding in everything:
        rule = RULES[finding.rule]
        assert (finding.severity, finding.category) == (rule.severity, rule.category)


def test_advice_is_grouped_by_the_entry_key_not_by_its_message() -> None:
    """A key with an apostrophe used to be cut at it (the key was read back out of the message text)."""
    bib, _ = parse_bibliography("@book{o'brien2020, author = {O Brien, A}, title = {A book}, publisher = {P},"
                                " year = {2020}}\n@book{smith2020, author = {Smith, A}, title = {A book},"
                                " publisher = {P}, year = {2020}}\n", "refs.bib")
    grouped = [f for f in check_bibliography(bib, None, LintOptions()) if f.rule == "missing-evidence"]
    assert len(grouped) == 1
    assert grouped[0].message.endswith(": o'brien2020, smith2020")
    assert grouped[0].related == ("refs.bib:2:1",)


@pytest.fixture
def planted_rule(monkeypatch: pytest.MonkeyPatch) -> Rule:
    """A rule added to the registry only: every reader must pick it up without being told."""
    rule = Rule("planted-rule", "metadata", "warning", "page", "A rule that exists only in this test.")
    monkeypatch.setitem(RULES, rule.id, rule)
    return rule


def test_list_rules_reads_the_registry(planted_rule: Rule, capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_main(["--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES)
    assert any(line.split()[:3] == ["planted-rule", "warning", "metadata"] and line.endswith(planted_rule.summary)
               for line in lines)
    assert any(line.split()[:3] == ["old-sources", "advice", "citation"] for line in lines)


def test_select_severity_and_settings_read_the_registry(planted_rule: Rule) -> None:
    settings = Settings.from_mapping({"select": ["planted-rule"], "severity": {"planted-rule": "error"}})
    assert settings.lint_options().wants("planted-rule") and not settings.lint_options().wants("unknown-key")
    with pytest.raises(SettingsError, match="unknown rule id"):
        Settings.from_mapping({"select": ["not-planted"]})


def test_sarif_rule_metadata_and_levels_read_the_registry(tmp_path: Path, planted_rule: Rule,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "page.md").write_text(FRONT + "# Page\n\nSee [@nosuchkey].\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    lint_main(["--jobs", "1", "--bib", "refs.bib", "--format", "sarif", "--select", "planted-rule,unknown-key",
               "--severity", "unknown-key=warning", "page.md"])
    driver = json.loads(capsys.readouterr().out)["runs"][0]
    rules = {rule["id"]: rule for rule in driver["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    assert rules["planted-rule"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["planted-rule"]["properties"] == {"category": "metadata", "scope": "page"}
    assert rules["old-sources"]["defaultConfiguration"] == {"level": "note"}
    assert rules["unknown-key"]["shortDescription"]["text"] == RULES["unknown-key"].summary
    results = driver["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("unknown-key", "warning")]
