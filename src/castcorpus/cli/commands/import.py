"""``castcorpus import FORMAT``: annotation files back from the format of an annotation tool.

Each format is a module of :mod:`castcorpus.cli.formats` with ``register_import(formats)``; a
new format is one more module there, found without a change here."""

from __future__ import annotations

from castcorpus.cli import formats
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "import",
                      "Import annotations made in an annotation tool as annotation files (one subcommand per format).",
                      "castcorpus import inception inception-export.zip --out drafts/annotator-1")
    tools = cmd.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for module in formats.modules():
        module.register_import(tools)
