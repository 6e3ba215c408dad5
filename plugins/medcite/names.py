"""Vancouver/NLM personal names: ``Surname AB``, particles kept, initials without dots."""

from __future__ import annotations

from pybtex.database import Person
from pybtex.richtext import Text


def _plain(part: str) -> str:
    try:
        return Text.from_latex(part).render_as("text")
    except Exception:  # odd LaTeX in a name: keep its letters
        return part.replace("{", "").replace("}", "")


def initials(given: list[str]) -> str:
    """``['Jean-François', 'T.']`` -> ``JFT``."""
    letters = []
    for name in given:
        for piece in _plain(name).replace(".", " ").replace("-", " ").split():
            first = next((ch for ch in piece if ch.isalpha()), "")
            letters.append(first.upper())
    return "".join(letters)


def vancouver_name(person: Person) -> str:
    surname = " ".join(_plain(part) for part in person.prelast_names + person.last_names)
    given = initials(person.first_names + person.middle_names)
    lineage = " ".join(_plain(part).rstrip(".") for part in person.lineage_names)
    return " ".join(part for part in (surname, given, lineage) if part)
