"""Vancouver/NLM personal names: ``Surname AB``, particles kept, initials without dots."""

from __future__ import annotations

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Person
from pybtex.richtext import Text

from ..core.nlm import lineage as nlm_lineage

# A backend instance: render_as("text") would look the backend up through entry points every call.
PLAIN_TEXT = PlainTextBackend()


def latex_plain(part: str) -> str:
    if not any(ch in part for ch in "\\{}~$"):
        return part  # nothing for the LaTeX reader to do
    try:
        return Text.from_latex(part).render(PLAIN_TEXT)
    except Exception:  # odd LaTeX in a name: keep its letters
        return part.replace("{", "").replace("}", "")


def initials(given: list[str]) -> str:
    """``['Jean-François', 'T.']`` -> ``JFT``."""
    letters = []
    for name in given:
        for piece in latex_plain(name).replace(".", " ").replace("-", " ").split():
            first = next((ch for ch in piece if ch.isalpha()), "")
            letters.append(first.upper())
    return "".join(letters)


def is_others(person: Person) -> bool:
    """BibTeX's ``and others``: the list goes on (Citing Medicine: ``et al.``)."""
    return str(person).strip().lower() == "others"


def vancouver_name(person: Person) -> str:
    surname = " ".join(latex_plain(part) for part in person.prelast_names + person.last_names)
    given = initials(person.first_names + person.middle_names)
    lineage = " ".join(nlm_lineage(latex_plain(part)) for part in person.lineage_names)
    return " ".join(part for part in (surname, given, lineage) if part)
