"""The corpus as files: reading the tree, JSON and schemas, canonical texts, sentences and tokens."""
