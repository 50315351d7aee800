"""The ``castcorpus`` command line (``main``) and one module per subcommand in ``commands``."""

import os


def module_names(path) -> list[str]:
    """The modules of a package whose ``__path__`` is ``path``, by name, private ones left out.

    A listing of the folders, not ``pkgutil.iter_modules``: that imports ``inspect``, a tenth of
    the start-up of ``castcorpus --help`` (docs/benchmarks.md)."""
    return sorted({name[:-3] for folder in path for name in os.listdir(folder)
                   if name.endswith(".py") and not name.startswith("_")})
