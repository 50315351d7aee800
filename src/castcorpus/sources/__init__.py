"""External texts: downloading published files and reading them (FA-KES)."""
