"""Vancouver/NLM formatting: golden text and HTML for each entry type."""

from __future__ import annotations

import pytest
from pybtex.plugin import find_plugin

from medcite.bib.bibliography import parse_bibliography
from medcite.core.nlm import pages as nlm_pages
from medcite.style.formatter import ReferenceFormatter
from medcite.style.vancouver import VancouverStyle

from .conftest import ROOT, SMALL_BIB

EXTRA = r"""
@book{bogduk2005,
  author = {Bogduk, Nikolai}, title = {Clinical Anatomy of the Lumbar Spine and Sacrum},
  edition = {4th}, address = {Edinburgh}, publisher = {Elsevier}, year = {2005}, evidence = {textbook}
}
@incollection{rodgers2019,
  author = {Rodgers, Cooper D. and Raja, Avais}, title = {Hamstring Muscle},
  editor = {Smith, John}, booktitle = {StatPearls}, publisher = {StatPearls Publishing}, year = {2019},
  pages = {110--119}, url = {https://www.ncbi.nlm.nih.gov/books/NBK546688/}
}
@techreport{who2023,
  author = {{World Health Organization}}, title = {Low back pain fact sheet},
  institution = {WHO}, address = {Geneva}, year = {2023}, number = {WHO/123}
}
@online{site2024,
  title = {A web page}, url = {javascript:alert(1)}, year = {2024}
}
@misc{howpub2021, title = {Web page}, howpublished = {\url{https://example.org/a}}, year = {2021}}
@misc{howpubjs2021, title = {Web page}, howpublished = {\url{javascript:alert(1)}}, year = {2021}}
@article{many,
  author = {A, Aa and B, Bb and C, Cc and D, Dd and E, Ee and F, Ff and G, Gg},
  title = {Seven authors?}, journal = {J}, year = {2001}, volume = {2}, number = {3}, pages = {e45},
  doi = {not-a-doi}, pmid = {12ab}
}
"""

GOLDEN_TEXT = {
    "chou2007diagnosis": "Chou R, Qaseem A, Snow V, Casey D, Cross JT Jr, Shekelle P, et al. Diagnosis and treatment "
    "of low back pain. Ann Intern Med. 2007;147(7):478-91. doi:10.7326/0003-4819-147-7-200710020-00006. "
    "PMID: 17909209.",
    "machado2015efficacy": "Machado GC, Maher CG. Efficacy and safety of paracetamol for spinal pain. BMJ. "
    "2015;350:h1225. doi:10.1136/bmj.h1225. PMID: 25828856. PMCID: PMC4381278.",
    "genevay2020": "Genevay S, Chenot JF, Müller A. Accents in names. Spine. 2020;1:1-9. PMID: 11111111.",
    "nice2016low": "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s "
    "[Internet]. NICE guideline NG59; 2016 [cited 2026 Nov 1]. Available from: https://www.nice.org.uk/guidance/ng59",
    "bogduk2005": "Bogduk N. Clinical anatomy of the lumbar spine and sacrum. 4th ed. Edinburgh: Elsevier; 2005.",
    "rodgers2019": "Rodgers CD, Raja A. Hamstring Muscle. In: Smith J, editor. StatPearls [Internet]. [place unknown]: "
    "StatPearls Publishing; 2019. p. 110-9. Available from: https://www.ncbi.nlm.nih.gov/books/NBK546688/",
    "who2023": "World Health Organization. Low back pain fact sheet. Geneva: WHO; 2023. Report No.: WHO/123.",
    "site2024": "A web page [Internet]. 2024. Available from: javascript:alert(1)",
    "many": "A A, B B, C C, D D, E E, F F, et al. Seven authors? J. 2001;2(3):e45. doi:not-a-doi. PMID: 12ab.",
}


# Citing Medicine (NLM, 2nd ed.) forms, one per case in tests/oracle/edge-cases.bib (invented records).
CITING_MEDICINE = {
    # book with editors and no authors: the editors lead, then "editors."; edition as a numeral
    "edited2002book": "Hollis LC, Brandt FG, editors. Operative care of the injured spine. 2nd ed. New York: "
    "Harbour Medical Press; 2002.",
    # an edition written out ("Third") becomes "3rd ed."
    "authored2010book": "Quill A, Marsh T. Living with hip pain. 3rd ed. London: Fenwick Books; 2010.",
    "nopublisherplace2015": "Quill A. Walking again after surgery. [place unknown]: Fenwick Books; 2015.",
    # chapter: In: Editors, editors. Book. Place: Publisher; Year. p. first-last.
    "chapter2002": "Mercer PS, Kallan A, Trent JM. Nerve roots and the lumbar disc. In: Vogel B, Kinsey KW, editors. "
    "The lumbar spine in practice. Boston: Harbour Medical Press; 2002. p. 93-113.",
    "chapteroneeditor2019": "Ostrow L. Hamstring strain. In: Vogel B, editor. Sports injuries explained. 4th ed. "
    "Chicago: Lakeshore; 2019. p. 210-9.",
    "chaptereditorsothers2020": "Ostrow L. Running injuries. In: Vogel B, et al., editors. Sports injuries explained. "
    "Chicago: Lakeshore; 2020. p. 1-20.",
    # web pages: Title [Internet]. Place: Publisher; Year [updated …; cited …]. Available from: URL
    "webpage2022": "Spine Health Council. Back pain at work: a guide for employees [Internet]. Leeds: Spine Health "
    "Council; 2022 [cited 2024 Mar 1]. Available from: https://example.org/back-pain-at-work",
    "webpageupdated2021": "Hip replacement: what to expect [Internet]. Dublin: Example Orthopaedic Society; 2021 "
    "[updated 2023 Nov 5; cited 2024 Feb 10]. Available from: https://example.org/hip-replacement",
    # a web address given as howpublished = {\url{…}} makes a web source, like a url field
    "howpublishedurl2020": "Example Spine Society. Exercises for sciatica [Internet]. 2020 [cited 2024 Feb 3]. "
    "Available from: https://example.org/sciatica-exercises",
    "guideline2019": "Example Guideline Group. Sciatica in adults: assessment and management [Internet]. Cardiff: "
    "Example Institute for Care; 2019 [cited 2024 Jan 15]. Available from: https://example.org/guidance/eg12",
    # an article found on the web (URL, no DOI or PMID): Journal [Internet], month, cited date, URL
    "onlineonly2021": "Rahman N, Fisher O. Walking programmes for chronic low back pain: a pilot study. Example "
    "Journal of Physiotherapy [Internet]. 2021 Mar [cited 2024 Mar 1];12(3):45-52. Available from: "
    "https://example.org/ejp/2021/12/3/45",
    # a DOI, but consulted on the web (urldate): still the Internet form; the identifiers come before the URL
    "onlinewithdoi2022": "Fisher O, Rahman N. Pacing advice for sciatica: an online survey. Example Open Spine "
    "[Internet]. 2022 Nov [cited 2024 May 20];3:e12. doi:10.5555/eos.2022.e12. Available from: "
    "https://example.org/eos/2022/e12",
    "monthnovolume2019": "Rahman N. Heat wraps for back pain. Example Nursing Times. 2019 Jun:12-3. "
    "doi:10.5555/ent.2019.0612.",
    # a supplement to a volume (no issue): no parentheses, as Citing Medicine writes it (2002;42 Suppl 2:S93-9)
    "supplement2018": "Kowalski P, Lund E. Spinal manipulation in primary care. Ex J Fam Pract. 2018;45 Suppl 2:"
    "S10-8. doi:10.5555/ejfp.2018.s2.10.",
    # an issue supplement in parentheses with its issue; a letter prefix shared by both pages is written once
    "issuesupplement2002": "Glass TA. Integrating trial data into practice. Example Neurology. 2002;58(12 Suppl 7):"
    "S6-12. PMID: 99999981.",
    "articlenumber2020": "Lund E, Kowalski P. Sleep position and morning back pain. Example Open Medicine. "
    "2020;15(3):e0229823. doi:10.5555/eom.0229823.",
    # "and others" is et al., never the word "others"
    "andothers2013": "Stone SL, et al. Effects of bracing in teenagers with curved spines. Example Journal of "
    "Medicine. 2013;369(16):1512-21. PMID: 99999991.",
    "sevenauthors2011": "Abel A, Baker B, Cole C, Dunn D, Eyre E, Ford F, et al. Seven authors, six shown. Example "
    "Spine. 2011;36:100-8. PMID: 99999992.",
    "lineage2009": "Crossley JT Jr, Gilroy LC 3rd, Park M. Name suffixes in references. Example Spine. 2009;34:7-9. "
    "PMID: 99999993.",
    "particles2016": "van der Berg WH, de la Cruz M, D'Souza P, Müller J. Particles and accents in author names. "
    "Example Spine. 2016;41:200-11. doi:10.5555/es.2016.200.",
    "corporate2017": "Example Back Pain Trial Group, Hale N. A group as an author. Example Spine. 2017;42:1-10. "
    "PMID: 99999994.",
    # Title Case -> sentence case; braces ({Australian}) and acronyms (MRI, NSAIDs) keep their capitals
    # a group after personal names takes a semicolon; no more than two initials
    "groupafternames2015": "Quist D, Nair R; SPRINT Investigators. Blood pressure targets and back pain: a secondary "
    "analysis. Example Spine. 2015;40:5-9. PMID: 99999982.",
    "threeinitials2012": "Koh ML, Ward J. Three given names, two initials. Example Spine. 2012;37:12-4. "
    "PMID: 99999983.",
    # theses (Citing Medicine ch. 4): Title [dissertation]. Place: University; Year.
    "thesisphd2019": "Lindqvist M. Pain beliefs and recovery after lumbar disc surgery [dissertation]. Uppsala: "
    "Example University; 2019.",
    "thesismasters2016": "Okafor DC. Hamstring flexibility in adolescent footballers [master's thesis]. Manchester: "
    "Example College of Health Sciences; 2016.",
    "thesisnoplace2011": "Cole I. Stretching before running: a survey of club runners [master's thesis]. [place "
    "unknown]: Example University; 2011.",
    # conference publications (ch. 3): the proceedings' title as written, the conference's date and place
    "conferencepaper2003": "Rhee AS, Farrow WP. Spinal and peripheral analgesia in back pain. In: Dostal JO, Carr DB, "
    "editors. Proceedings of the 10th Example Congress on Pain; 2002 Aug 17-22; San Diego, CA. Seattle: Example Pain "
    "Press; 2003. p. 437-68.",
    # a place with no publisher: the place is kept, the publisher unknown
    "conferencenopublisher2019": "Hale N, Quill A. Walking tests after hip surgery. In: Proceedings of the Example "
    "Rehabilitation Meeting. Leeds: [publisher unknown]; 2019. p. 12-9.",
    # a volume: "Vol. 3" after the title
    "proceedingsvolume2020": "Evans T, Ostrow L, editors. Advances in Spine Care. Vol. 3. Berlin: Example Press; "
    "2020.",
    "proceedings2003": "Dostal JO, Carr DB, editors. Proceedings of the 10th Example Congress on Pain; 2002 Aug 17-22; "
    "San Diego, CA. Seattle: Example Pain Press; 2003.",
    "titlecase2015": "Hale N. Use of MRI in Australian adults with low back pain: a randomized trial of NSAIDs "
    "versus exercise. Example Spine. 2015;40:300-10. PMID: 99999995.",
    "biblatexdate2021": "Hale N. A date field in biblatex form. Example Spine. 2021 Mar 15;46(6):401-9. "
    "doi:10.5555/es.2021.401.",
    "report2001": "Page E, Harney JM. Lifting at work: health hazard evaluation. Cincinnati: Example Institute for "
    "Occupational Health; 2001. Report No.: HHE-2000-0139.",
    # the month is kept outside journal articles too
    "reportmonth2018": "Example Health Agency. Back pain services review. Bristol: Example Health Agency; 2018 Nov. "
    "Report No.: EHA-18-04.",
    "reportonline2020": "Example Health Statistics Office. Back pain in the workforce, 2019 [Internet]. Ottawa: "
    "Example Health Statistics Office; 2020 [cited 2024 Apr 2]. Available from: "
    "https://example.org/reports/back-pain-2019",
}


@pytest.fixture(scope="module")
def edge_cases() -> dict[str, str]:
    text = (ROOT / "tests" / "oracle" / "edge-cases.bib").read_text(encoding="utf-8")
    bib, findings = parse_bibliography(text, "edge-cases.bib")
    assert findings == []
    formatter = ReferenceFormatter()
    return {ref.key: formatter.format(ref).text for ref in bib}


@pytest.mark.parametrize("key", sorted(CITING_MEDICINE))
def test_citing_medicine_forms(edge_cases: dict[str, str], key: str) -> None:
    assert edge_cases[key] == CITING_MEDICINE[key]


def test_every_edge_case_has_a_golden_form(edge_cases: dict[str, str]) -> None:
    assert set(edge_cases) == set(CITING_MEDICINE)


@pytest.fixture(scope="module")
def formatted() -> dict[str, tuple[str, str]]:
    bib, findings = parse_bibliography(SMALL_BIB + EXTRA, "refs.bib")
    assert findings == []
    formatter = ReferenceFormatter()
    return {ref.key: (formatter.format(ref).text, formatter.format(ref).html) for ref in bib}


@pytest.mark.parametrize("key", sorted(GOLDEN_TEXT))
def test_golden_text(formatted: dict[str, tuple[str, str]], key: str) -> None:
    assert formatted[key][0] == GOLDEN_TEXT[key]


@pytest.mark.parametrize(
    ("key", "html"),
    [
        ("chou2007diagnosis", 'doi:<a href="https://doi.org/10.7326/0003-4819-147-7-200710020-00006" rel="noopener">'
         "10.7326/0003-4819-147-7-200710020-00006</a>. PMID: "
         '<a href="https://pubmed.ncbi.nlm.nih.gov/17909209/" rel="noopener">17909209</a>.'),
        ("machado2015efficacy", 'PMCID: <a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC4381278/" '
         'rel="noopener">PMC4381278</a>.'),
        ("nice2016low", 'Available from: <a href="https://www.nice.org.uk/guidance/ng59" rel="noopener">'
         "https://www.nice.org.uk/guidance/ng59</a>"),
        ("site2024", "Available from: javascript:alert(1)"),
        ("howpub2021", 'Available from: <a href="https://example.org/a" rel="noopener">https://example.org/a</a>'),
        ("howpubjs2021", "Available from: javascript:alert(1)"),
        ("many", "doi:not-a-doi. PMID: 12ab."),
    ],
)
def test_golden_html_links_only_valid_identifiers(formatted: dict[str, tuple[str, str]], key: str, html: str) -> None:
    assert formatted[key][1].endswith(html)
    if key in ("site2024", "many", "howpubjs2021"):
        assert "<a " not in formatted[key][1]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("478--491", "478-91"), ("2791--2803", "2791-803"), ("323-325", "323-5"), ("h1225", "h1225"),
     ("e45--e52", "e45-52"), ("519--526.e1", "519-526.e1"), ("S1 -- S4", "S1-4"), ("1-2, 5--6", "1-2, 5-6"), ("99--101", "99-101"), ("12", "12"), ("10--5", "10-5"),
     # a letter prefix shared by both ends is written once, and the digits elided (Citing Medicine: S6-12)
     ("S6--S12", "S6-12"), ("e401--e415", "e401-15"), ("S93--S99", "S93-9"), ("A1--B5", "A1-B5")],
)
def test_nlm_page_ranges(pages: str, expected: str) -> None:
    assert nlm_pages(pages) == expected


def test_style_is_registered_with_pybtex() -> None:
    assert find_plugin("pybtex.style.formatting", "vancouver") is VancouverStyle


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        # Citing Medicine: a group after personal names takes a semicolon; a group first, a comma
        ("Quist, Dora and {SPRINT Investigators}", "Quist D; SPRINT Investigators."),
        ("{SPRINT Investigators} and Quist, Dora", "SPRINT Investigators, Quist D."),
        ("{Group A} and {Group B}", "Group A, Group B."),
        ("A, Aa and B, Bb and C, Cc and D, Dd and E, Ee and F, Ff and G, Gg and {Big Group}",
         "A A, B B, C C, D D, E E, F F, et al.; Big Group."),
        # no more than two initials; a particle inside the given names is not an initial
        ("Koh, Mei Ling Tan", "Koh ML."),
        ("Dupont, Jean-François Thierry", "Dupont JF."),
        ("Menezes Costa, Luciola da C.", "Menezes Costa LC."),
        ("{\\\"U}ber, Anna B.", "Über AB."),
    ],
)
def test_author_lists(authors: str, expected: str) -> None:
    bib, findings = parse_bibliography(f"@article{{a, author={{{authors}}}, title={{T}}, journal={{J}}, year={{2020}}, "
                                       "pmid={1}}\n", "refs.bib")
    assert findings == []
    assert ReferenceFormatter().format(next(iter(bib))).text.startswith(expected + " T. J. 2020.")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("@thesis{a, author={Ng, Ann}, title={T}, type={mathesis}, institution={Uni}, address={Leeds}, year={2010}}",
         "Ng A. T [master's thesis]. Leeds: Uni; 2010."),
        ("@phdthesis{a, author={Ng, Ann}, title={T}, school={Uni}, year={2010}, url={https://example.org/t}, "
         "urldate={2020-01-02}}", "Ng A. T [dissertation on the Internet]. [place unknown]: Uni; 2010 "
         "[cited 2020 Jan 2]. Available from: https://example.org/t"),
        ("@inproceedings{a, author={Ng, Ann}, title={Paper}, booktitle={Pain 2002: Refresher Courses}, "
         "eventtitle={10th World Congress on Pain}, eventdate={2002-08-30/2002-09-02}, year={2003}, pages={1--9}}",
         "Ng A. Paper. In: Pain 2002: Refresher Courses. 10th World Congress on Pain; 2002 Aug 30-Sep 2. 2003. "
         "p. 1-9."),
        ("@proceedings{a, title={Proceedings of the Example Meeting}, venue={Oslo}, year={2003}, publisher={P}, "
         "address={Bergen}}", "Proceedings of the Example Meeting; Oslo. Bergen: P; 2003."),
        # a web address in howpublished, with words that only announce it, or with words of its own
        ("@misc{a, title={Leaflet}, howpublished={[Online]. Available: \\url{https://example.org/l}}, year={2019}}",
         "Leaflet [Internet]. 2019. Available from: https://example.org/l"),
        ("@misc{a, title={Leaflet}, howpublished={NHS leaflet 12, \\url{https://example.org/l}}, year={2019}}",
         "Leaflet [Internet]. NHS leaflet 12; 2019. Available from: https://example.org/l"),
        # LaTeX's link commands elsewhere print their address or text, never the command
        ("@book{a, title={Leaflet}, publisher={P}, year={2019}, note={See \\url{https://example.org/n} and "
         "\\href{https://example.org/h}{this page}}}", "Leaflet. [place unknown]: P; 2019. See https://example.org/n "
         "and this page."),
        # a volume in a series belongs to the series
        ("@book{a, author={Ng, Ann}, title={Spine surgery}, series={Patient Guides}, volume={4}, publisher={P}, "
         "address={Leeds}, year={2003}}", "Ng A. Spine surgery. Leeds: P; 2003. (Patient Guides; vol. 4)."),
    ],
)
def test_entry_forms(entry: str, expected: str) -> None:
    bib, findings = parse_bibliography(entry + "\n", "refs.bib")
    assert findings == []
    assert ReferenceFormatter().format(next(iter(bib))).text == expected
