"""Linking registry entries to Wikidata: candidates proposed for a reviewer, never guessed.

:mod:`.targets` picks the registry entries without a QID, :mod:`.client` (the Wikidata API,
through an injectable opener) and :mod:`.dump` (a local JSON dump) find candidate items,
:mod:`.rank` scores them with the evidence for each point, :mod:`.review` writes the review
file, and :mod:`.accept` writes the QIDs a reviewer accepted into the registries.
"""
