"""The annotation tools ``castcorpus export`` and ``castcorpus import`` speak, one module each.

A module provides ``register_export(subparsers)`` and ``register_import(subparsers)``, which add
its subcommand to the two groups; it imports its library lazily, so that building the parser
stays fast and a missing optional dependency only fails that format's commands."""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType


def modules() -> list[ModuleType]:
    """The format modules, by name."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [import_module(f"{__name__}.{name}") for name in names]
