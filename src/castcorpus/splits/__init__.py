"""Which split each document is in: the hash rule, the frozen ledger, near-duplicates and events."""
