"""One module per ``castcorpus`` subcommand; each provides ``register(subparsers)``."""

import argparse


def add_command(subparsers, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    """Add a subcommand parser whose help ends with a usage example."""
    return subparsers.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
