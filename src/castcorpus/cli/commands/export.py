"""``castcorpus export FORMAT``: annotation files in the format of an annotation tool.

Each format is a module of :mod:`castcorpus.cli.formats` with ``register_export(formats)``; a
new format is one more module there, found without a change here."""

from __future__ import annotations

from castcorpus.cli import formats
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "export",
                      "Export annotated documents for an annotation tool (one subcommand per format).",
                      "castcorpus export label-studio --document duran-2018-04-russian-airstrikes-damascus --out ls/")
    tools = cmd.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for module in formats.modules():
        module.register_export(tools)
