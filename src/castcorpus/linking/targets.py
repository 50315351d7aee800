"""The registry entries to link: those whose ``wikidata_status`` is ``unlinked``.

Entries marked ``not-applicable`` (anonymous sources, unnamed groups) are never searched, and
linked entries keep their QID. Each target carries what ranking compares: its names, its kind
(an actor type, ``media`` for an outlet, ``place``) and its country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from castcorpus.corpus.jsonio import load_json
from castcorpus.report import Issue

#: Registry -> (file in the corpus, list in the file). A registry is named by its list.
#: Events are not searched: they have no name to search by, only a description.
REGISTRIES = {"actors": ("actors.json", "actors"), "outlets": ("outlets.json", "outlets"),
              "places": ("events.json", "places")}
DEFAULT_REGISTRIES = ("actors", "outlets")
UNLINKED = "unlinked"


@dataclass
class Target:
    """One registry entry without a QID."""

    registry: str
    index: int  # place in its registry's list
    key: str
    name: str
    kind: str  # actor type, "media" for outlets, "place" for places
    country: str | None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None

    @property
    def names(self) -> list[str]:
        """The name and the aliases, each once."""
        return list(dict.fromkeys([self.name, *self.aliases]))


def _target(registry: str, index: int, entry: dict[str, Any]) -> Target:
    kind = {"actors": entry.get("type"), "outlets": "media", "places": "place"}[registry]
    return Target(registry, index, entry["key"], entry["name"], kind, entry.get("country"), list(entry.get("aliases") or []),
                  entry.get("description"))


def read_registries(corpus_root: Path, registries: tuple[str, ...]) -> tuple[dict[str, dict], list[Issue]]:
    """The registry files the registries live in (file name -> parsed JSON), and the issues
    of those that cannot be read."""
    files, issues = {}, []
    for name in sorted({REGISTRIES[r][0] for r in registries}):
        loaded = load_json(corpus_root / name, name)
        if loaded.value is None or not isinstance(loaded.value, dict):
            issues.extend(loaded.issues or [Issue(name, "", "schema-type", "the registry is not a JSON object")])
        else:
            files[name] = loaded.value
    return files, issues


def targets(files: dict[str, dict], registries: tuple[str, ...], keys: set[str] | None = None) -> Iterator[Target]:
    """The unlinked entries of ``registries`` (only ``keys``, when given), in file order."""
    for registry in registries:
        file, list_name = REGISTRIES[registry]
        for index, entry in enumerate(files.get(file, {}).get(list_name, [])):
            if entry.get("wikidata") is None and entry.get("wikidata_status") == UNLINKED \
                    and (keys is None or entry.get("key") in keys):
                yield _target(registry, index, entry)


def where(target: Target) -> tuple[str, str]:
    """The file and JSON pointer of a target's entry."""
    file, list_name = REGISTRIES[target.registry]
    return file, f"/{list_name}/{target.index}"
