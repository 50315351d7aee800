"""Checking the corpus: the validation run, documents, annotations and registries."""
