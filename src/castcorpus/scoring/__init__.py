"""Scoring systems against a release: the official scorer, metrics, predictions files, baselines."""
