"""Label Studio: a labeling config for the three layers, tasks pre-filled from annotation files,
and the way back from Label Studio's JSON export to annotation files (docs/interop.md)."""
