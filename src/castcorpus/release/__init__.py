"""Building the release folder: rows, Parquet configs, dataset card, Croissant, charts, datasheet."""
