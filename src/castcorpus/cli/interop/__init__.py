"""The formats of ``castcorpus export`` and ``castcorpus import``: one module per format, each
providing ``register_export(formats)`` and ``register_import(formats)``, which add the format's
subcommand (``label-studio``, ...) to the ``export`` or ``import`` group."""

import pkgutil
from importlib import import_module


def format_modules() -> list:
    """The format modules, in name order (module ``label_studio`` is format ``label-studio``)."""
    return [import_module(f"{__name__}.{m.name}") for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]
