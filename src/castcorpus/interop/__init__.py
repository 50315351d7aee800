"""Round trips between the corpus's annotation files and the tools annotators work in."""
