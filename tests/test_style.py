"""Vancouver/NLM formatting: golden text and HTML for each entry type."""

from __future__ import annotations

import pytest
from pybtex.plugin import find_plugin

from medcite.bibliography import parse_bibliography
from medcite.render import ReferenceFormatter
from medcite.style import VancouverStyle, nlm_pages

from .conftest import SMALL_BIB

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
@article{many,
  author = {A, Aa and B, Bb and C, Cc and D, Dd and E, Ee and F, Ff and G, Gg},
  title = {Seven authors?}, journal = {J}, year = {2001}, volume = {2}, number = {3}, pages = {e45},
  doi = {not-a-doi}, pmid = {12ab}
}
"""

GOLDEN_TEXT = {
    "chou2007diagnosis": "Chou R, Qaseem A, Snow V, Casey D, Cross JT Jr, Shekelle P, et al. Diagnosis and Treatment "
    "of Low Back Pain. Ann Intern Med. 2007;147(7):478-91. doi:10.7326/0003-4819-147-7-200710020-00006. "
    "PMID: 17909209.",
    "machado2015efficacy": "Machado GC, Maher CG. Efficacy and safety of paracetamol for spinal pain. BMJ. "
    "2015;350:h1225. doi:10.1136/bmj.h1225. PMID: 25828856. PMCID: PMC4381278.",
    "genevay2020": "Genevay S, Chenot JF, Müller A. Accents in names. Spine. 2020;1:1-9. PMID: 11111111.",
    "nice2016low": "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s "
    "[Internet]. NICE guideline NG59. 2016 [cited 2026-11-01]. Available from: https://www.nice.org.uk/guidance/ng59",
    "bogduk2005": "Bogduk N. Clinical Anatomy of the Lumbar Spine and Sacrum. 4th ed. Edinburgh: Elsevier; 2005.",
    "rodgers2019": "Rodgers CD, Raja A. Hamstring Muscle. In: Smith J, editors. StatPearls. StatPearls Publishing; "
    "2019. p. 110-9. Available from: https://www.ncbi.nlm.nih.gov/books/NBK546688/",
    "who2023": "World Health Organization. Low back pain fact sheet. Geneva: WHO; 2023. Report No.: WHO/123.",
    "site2024": "A web page [Internet]. 2024. Available from: javascript:alert(1)",
    "many": "A A, B B, C C, D D, E E, F F, et al. Seven authors? J. 2001;2(3):e45. doi:not-a-doi. PMID: 12ab.",
}


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
        ("many", "doi:not-a-doi. PMID: 12ab."),
    ],
)
def test_golden_html_links_only_valid_identifiers(formatted: dict[str, tuple[str, str]], key: str, html: str) -> None:
    assert formatted[key][1].endswith(html)
    if key in ("site2024", "many"):
        assert "<a " not in formatted[key][1]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("478--491", "478-91"), ("2791--2803", "2791-803"), ("323-325", "323-5"), ("h1225", "h1225"),
     ("e45--e52", "e45-52"), ("99--101", "99-101"), ("12", "12"), ("10--5", "10-5")],
)
def test_nlm_page_ranges(pages: str, expected: str) -> None:
    assert nlm_pages(pages) == expected


def test_style_is_registered_with_pybtex() -> None:
    assert find_plugin("pybtex.style.formatting", "vancouver") is VancouverStyle
