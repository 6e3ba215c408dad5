"""Page reports as plain JSON data, so lint runs sharded by page (CI jobs) can be merged.

Each ``citation-lint --shard K/N --format json`` run writes its pages' full reports next to its
findings; ``citation-lint merge`` reads them back, checks they were made against the same
bibliography, and runs the site-wide checks once over all of them: what comes out is what one
run over the whole site would print. A shard file is input like any other: every field is
checked, and a bad one is reported with the file and the field, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..core.codec import CodecError, finding_from_json, finding_to_json
from ..core.model import Finding, InputError, read_json_file
from ..lint.checks import DocumentReport, NumberClaim, SourceUse
from ..source.prose import Exemption
from ..source.readability import Readability

FORMAT_VERSION = 3  # 3: a number claim's citations ("cites")
Cite = tuple[int, tuple[str, ...]]  # a citation's place in a number claim's text, and its keys


def select_shard(items: list[Any], shard: tuple[int, int] | None) -> list[Any]:
    """Shard K of N (1-based): every N-th item of the sorted list, starting at the K-th."""
    if shard is None:
        return items
    number, total = shard
    return items[number - 1::total]


finding_to_dict = finding_to_json  # the one codec (medcite.core.codec); the name shard writers use


def report_to_dict(report: DocumentReport) -> dict[str, Any]:
    r = report.readability
    return {
        "path": report.path,
        "findings": [finding_to_dict(f) for f in report.findings],
        "citations": report.citations,
        "cited_keys": sorted(report.cited_keys),
        "exemptions": [{"line": e.line, "column": e.column, "reason": e.reason, "scope": e.scope}
                       for e in report.exemptions],
        "readability": None if r is None else {"words": r.words, "sentences": r.sentences, "syllables": r.syllables},
        "claims": report.claims,
        "cited_claims": report.cited_claims,
        "source_uses": [{"rule": u.rule, "keys": list(u.keys), "line": u.line, "column": u.column, "kind": u.kind,
                         "text": u.text} for u in report.source_uses],
        "numbers": [{"line": n.line, "column": n.column, "text": n.text, "keys": list(n.keys),
                     "cites": [{"offset": offset, "keys": list(keys)} for offset, keys in n.cites]}
                    for n in report.numbers],
    }


@dataclass
class Shard:
    path: str
    bibliography: str
    digest: str
    shard: tuple[int, int] | None
    whole_site: bool
    reports: list[DocumentReport]


class _Reader:
    """Typed access to one shard file's JSON, naming the file and field on any mismatch."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, expected: str) -> InputError:
        return InputError(self.path, 1, f"{where}: expected {expected}; is this the JSON of citation-lint "
                                        f"--format json (version {FORMAT_VERSION})?")

    def get(self, data: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise self.fail(f"{where}.{key}", "a field")
        value = data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise self.fail(f"{where}.{key}", getattr(kind, "__name__", "a value of the right type"))
        return value

    def text(self, data: Any, key: str, where: str) -> str:
        return cast(str, self.get(data, key, str, where))

    def number(self, data: Any, key: str, where: str) -> int:
        return cast(int, self.get(data, key, int, where))

    def texts(self, data: Any, key: str, where: str) -> list[str]:
        values = self.get(data, key, list, where)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(f"{where}.{key}", "a list of strings")
        return cast(list[str], values)

    def finding(self, data: Any, where: str) -> Finding:
        try:
            return finding_from_json(data)
        except CodecError as exc:
            raise self.fail(f"{where}.{exc.field}", exc.expected) from None

    def report(self, data: Any, where: str) -> DocumentReport:
        report = DocumentReport(self.text(data, "path", where))
        report.findings = [self.finding(f, f"{where}.findings[{i}]")
                           for i, f in enumerate(self.get(data, "findings", list, where))]
        report.citations = self.number(data, "citations", where)
        report.cited_keys = set(self.texts(data, "cited_keys", where))
        for i, e in enumerate(self.get(data, "exemptions", list, where)):
            w = f"{where}.exemptions[{i}]"
            report.exemptions.append(Exemption(self.number(e, "line", w), self.number(e, "column", w),
                                               self.text(e, "reason", w), self.text(e, "scope", w)))
        readability = data.get("readability")
        if readability is not None:
            w = f"{where}.readability"
            report.readability = Readability(self.number(readability, "words", w),
                                             self.number(readability, "sentences", w),
                                             self.number(readability, "syllables", w))
        report.claims = self.number(data, "claims", where)
        report.cited_claims = self.number(data, "cited_claims", where)
        for i, u in enumerate(self.get(data, "source_uses", list, where)):
            w = f"{where}.source_uses[{i}]"
            report.source_uses.append(SourceUse(self.text(u, "rule", w), tuple(self.texts(u, "keys", w)),
                                                self.number(u, "line", w), self.number(u, "column", w),
                                                self.text(u, "kind", w), self.text(u, "text", w)))
        for i, n in enumerate(self.get(data, "numbers", list, where)):
            w = f"{where}.numbers[{i}]"
            text, keys = self.text(n, "text", w), tuple(self.texts(n, "keys", w))
            if not keys:
                raise self.fail(f"{w}.keys", "a list of one or more keys")
            report.numbers.append(NumberClaim(self.number(n, "line", w), self.number(n, "column", w), text, keys,
                                              self.cites(n, w, text, keys)))
        return report

    def cites(self, claim: Any, where: str, text: str, keys: tuple[str, ...]) -> tuple[Cite, ...]:
        """A number claim's citation places: each at an offset in its text, in order, citing some of its keys
        (rule 7 holds a figure to them, so a wrong one would hold it to the wrong sources in silence)."""
        out: list[Cite] = []
        for j, cite in enumerate(self.get(claim, "cites", list, where)):
            w = f"{where}.cites[{j}]"
            offset, cited = self.number(cite, "offset", w), tuple(self.texts(cite, "keys", w))
            if not (out[-1][0] if out else 0) <= offset <= len(text):
                raise self.fail(f"{w}.offset", f"an offset in the claim's text (0 to {len(text)}), not before the "
                                               "previous citation's")
            if not cited or not set(cited) <= set(keys):
                raise self.fail(f"{w}.keys", "one or more of the claim's keys")
            out.append((offset, cited))
        return tuple(out)


def read_shard(path: Path) -> Shard:
    shown = path.as_posix()
    data = read_json_file(path, "no such file", "cannot read", "not JSON")
    reader = _Reader(shown)
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise reader.fail("version", str(FORMAT_VERSION))
    run = reader.get(data, "run", dict, "")
    bib = reader.get(run, "bibliography", dict, "run")
    shard_value = run.get("shard")
    shard: tuple[int, int] | None = None
    if shard_value is not None:
        if (not isinstance(shard_value, list) or len(shard_value) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) for n in shard_value)
                or not 1 <= shard_value[0] <= shard_value[1]):
            raise reader.fail("run.shard", "[K, N] with 1 <= K <= N")
        shard = (shard_value[0], shard_value[1])
    whole = reader.get(run, "whole_site", bool, "run")
    reports = [reader.report(r, f"reports[{i}]") for i, r in enumerate(reader.get(data, "reports", list, ""))]
    return Shard(shown, reader.text(bib, "path", "run.bibliography"), reader.text(bib, "digest", "run.bibliography"),
                 shard, whole, reports)


def report_from_dict(data: Any, source: str) -> DocumentReport:
    """One page report back from :func:`report_to_dict`'s JSON; InputError naming ``source`` if it is not one."""
    return _Reader(source).report(data, "report")
