"""medcite: cited, checked patient-education pages for MkDocs, ProperDocs and Zensical.

The layout shows the layers (``tests/test_architecture.py`` checks the import contract):

- ``core``: plain data and vocabularies; ``source``: a page's Markdown source; ``bib``: the bibliography;
  ``style``: Citing Medicine; ``claims``: sentence -> claim verdict; ``lint``: the checks;
  ``app``: running the linter over a site (shared by both front ends);
- ``render``: HTML; ``engine``: the Python-Markdown extension every engine runs;
- ``adapters``: the MkDocs plugin and ``citation-lint`` (nothing imports them); ``importers``: records -> BibTeX.

Three module paths a user may have written keep working after the move: ``medcite.markdown`` (an extension
name in ``mkdocs.yml``), ``medcite.plugin`` and ``medcite.cli`` (the old entry points). They are aliases of the
modules that now hold that code, so a class has one identity whichever path imported it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

__version__ = "0.1.0"

MOVED = {
    "medcite.markdown": "medcite.engine.extension",
    "medcite.plugin": "medcite.adapters.mkdocs.plugin",
    "medcite.cli": "medcite.adapters.cli.main",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path as the module that now holds its code (the same object, not a copy)."""

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def __init__(self) -> None:
        self.specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(MOVED[spec.name])
        self.specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run (the module ran under its own name); give it back the spec the import system
        replaced, so it keeps its real name wherever it is looked at (pickling, reload, ``python -m``)."""
        alias = module.__spec__
        if alias is not None and alias.name in self.specs:
            module.__spec__ = self.specs[alias.name]


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())
