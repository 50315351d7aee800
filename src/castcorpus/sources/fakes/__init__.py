"""The FA-KES file: reading it as published, its defects, its audit, hydration of its texts."""
