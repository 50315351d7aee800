"""Tools for annotators and for annotation quality: quotes to offsets, agreement, claim coverage."""
