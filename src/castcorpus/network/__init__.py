"""Discourse networks: who takes which side on which claim, as graphs and their exports."""
