"""The CAST-Syria JSON Schemas, shipped inside the package as ``castcorpus.schemas``."""
