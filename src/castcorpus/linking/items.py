"""Wikidata items reduced to what ranking needs, from the entity JSON that both the API's
``wbgetentities`` and the JSON dumps use (one format: ``labels``, ``aliases``,
``descriptions``, ``claims``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Properties whose values say which country an item belongs to: country (P17) and, for
#: people, country of citizenship (P27).
COUNTRY_PROPERTIES = ("P17", "P27")
INSTANCE_OF = "P31"
#: ISO 3166-1 alpha-2 code, read off country items.
ISO_ALPHA2 = "P297"
#: Label languages read besides the requested one: "mul" holds labels shared by all languages.
SHARED_LANGUAGE = "mul"


@dataclass
class Item:
    """One Wikidata item: its id, label, description and aliases in one language, and the
    item ids it is an instance of and belongs to by country."""

    qid: str
    label: str | None
    description: str | None
    aliases: list[str] = field(default_factory=list)
    instance_of: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def _text(values: dict | None, language: str) -> str | None:
    values = values or {}
    for lang in (language, SHARED_LANGUAGE):
        value = values.get(lang)
        if isinstance(value, dict) and isinstance(value.get("value"), str):
            return value["value"]
    return None


def _aliases(values: dict | None, language: str) -> list[str]:
    values = values or {}
    found = []
    for lang in (language, SHARED_LANGUAGE):
        for alias in values.get(lang) or []:
            if isinstance(alias, dict) and isinstance(alias.get("value"), str) and alias["value"] not in found:
                found.append(alias["value"])
    return found


def claim_values(entity: dict[str, Any], prop: str) -> list[Any]:
    """The values of ``prop``'s statements (deprecated ones left out): item ids for items,
    strings for strings."""
    values = []
    for statement in (entity.get("claims") or {}).get(prop) or []:
        if not isinstance(statement, dict) or statement.get("rank") == "deprecated":
            continue
        value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            value = value["id"]
        if isinstance(value, str) and value not in values:
            values.append(value)
    return values


def item_of(entity: dict[str, Any], language: str) -> Item:
    """The :class:`Item` of an entity JSON object."""
    countries = [q for prop in COUNTRY_PROPERTIES for q in claim_values(entity, prop)]
    return Item(qid=entity["id"], label=_text(entity.get("labels"), language),
                description=_text(entity.get("descriptions"), language),
                aliases=_aliases(entity.get("aliases"), language),
                instance_of=claim_values(entity, INSTANCE_OF),
                countries=list(dict.fromkeys(countries)))


def is_item(entity: Any) -> bool:
    """An entity JSON object of an item (a Q id), not a property or lexeme."""
    return isinstance(entity, dict) and isinstance(entity.get("id"), str) and entity["id"][:1] == "Q" \
        and entity["id"][1:].isdigit()
