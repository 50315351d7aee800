"""The annotation tools ``castcorpus export`` and ``castcorpus import`` speak, one module each.

A module provides ``register_export(subparsers)`` and ``register_import(subparsers)``, which add
its subcommand to the two groups; it imports its library lazily, so that building the parser
stays fast and a missing optional dependency only fails that format's commands."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def modules() -> list[ModuleType]:
    """The format modules, by name."""
    from castcorpus.cli import module_names

    return [import_module(f"{__name__}.{name}") for name in module_names(__path__)]
