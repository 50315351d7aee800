"""castcorpus: validate, build and score the CAST-Syria corpus of claims, actors and stances."""

__version__ = "0.1.0"
