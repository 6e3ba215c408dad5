"""Vancouver/NLM personal names: ``Surname AB``, particles kept, initials without dots."""

from __future__ import annotations

import re
from functools import lru_cache

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Person
from pybtex.richtext import Text

from ..core.nlm import lineage as nlm_lineage

# A backend instance: render_as("text") would look the backend up through entry points every call.
PLAIN_TEXT = PlainTextBackend()
# LaTeX's link commands, which pybtex's reader does not know ("\url https://…" would be printed)
URL_COMMAND_RE = re.compile(r"\\url\s*+\{([^{}]*+)\}")
HREF_COMMAND_RE = re.compile(r"\\href\s*+\{([^{}]*+)\}\s*+\{([^{}]*+)\}")


def expand_links(value: str) -> str:
    """``\\url{X}`` -> ``X``; ``\\href{X}{text}`` -> ``text``."""
    if "\\url" not in value and "\\href" not in value:
        return value
    return URL_COMMAND_RE.sub(r"\1", HREF_COMMAND_RE.sub(r"\2", value))


@lru_cache(maxsize=16384)  # a journal, a publisher or a name part recurs on many entries
def latex_plain(part: str) -> str:
    if not any(ch in part for ch in "\\{}~$"):
        return part  # nothing for the LaTeX reader to do
    part = expand_links(part)
    try:
        return Text.from_latex(part).render(PLAIN_TEXT)
    except Exception:  # odd LaTeX in a name: keep its letters
        return part.replace("{", "").replace("}", "")


# Particles written in lower case inside given names ("Luciola da C."): not initials of a name.
GIVEN_NAME_PARTICLES = frozenset({"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le",
                                  "van", "von", "y"})
MAX_INITIALS = 2  # Citing Medicine: no more than two initials after a surname


def initials(given: list[str]) -> str:
    """``['Jean-François']`` -> ``JF``; ``['Mei', 'Ling', 'Tan']`` -> ``ML`` (at most two initials)."""
    letters = []
    for name in given:
        for piece in latex_plain(name).replace(".", " ").replace("-", " ").split():
            if piece in GIVEN_NAME_PARTICLES:
                continue
            first = next((ch for ch in piece if ch.isalpha()), "")
            letters.append(first.upper())
    return "".join(letters[:MAX_INITIALS])


def is_group(person: Person) -> bool:
    """A group author, braced whole in BibTeX (``{{SPRINT Investigators}}``): one name, never split."""
    if person.first_names or person.middle_names or person.prelast_names or person.lineage_names:
        return False
    if len(person.last_names) != 1:
        return False
    name = person.last_names[0]
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):  # the first brace must close at the very end
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return True


def is_others(person: Person) -> bool:
    """BibTeX's ``and others``: the list goes on (Citing Medicine: ``et al.``)."""
    return str(person).strip().lower() == "others"


def vancouver_name(person: Person) -> str:
    surname = " ".join(latex_plain(part) for part in person.prelast_names + person.last_names)
    given = initials(person.first_names + person.middle_names)
    lineage = " ".join(nlm_lineage(latex_plain(part)) for part in person.lineage_names)
    return " ".join(part for part in (surname, given, lineage) if part)
