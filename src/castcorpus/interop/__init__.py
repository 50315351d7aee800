"""Round trips between the corpus's annotation files and the formats of annotation tools."""
