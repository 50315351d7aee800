"""castcorpus: validate, build and score the CAST-Syria corpus of claims, actors and stances."""

from .version import __version__

__all__ = ["__version__"]
