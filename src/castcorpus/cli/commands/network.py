"""``castcorpus network``: export the discourse network (actor x claim) and its projections."""

from __future__ import annotations

import sys
from pathlib import Path

from castcorpus.cli import options
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "network",
                      "Export the discourse network: actors x claim clusters with agreement, and the actor "
                      "congruence and conflict networks (Discourse Network Analysis). Needs the 'network' extra.",
                      "castcorpus network --format graphml --out networks/discourse.graphml")
    options.corpus(cmd)
    options.cache(cmd)
    cmd.add_argument("--format", choices=["graphml", "csv"], default="graphml", help="output format (default: graphml)")
    options.out(cmd, "the two-mode network file; the projections go beside it as FILE-congruence and FILE-conflict "
                     "(csv adds FILE-nodes.csv); '-' writes only the two-mode network to standard output",
                shown_default="discourse-network.graphml or .csv")
    cmd.add_argument("--by", choices=["cluster", "claim"], default="cluster",
                     help="concepts are claim clusters (unclustered claims stand alone) or always single claims")
    cmd.set_defaults(func=run)


def run(args) -> int:
    from castcorpus.corpus.reader import Corpus, CorpusError
    try:
        from castcorpus.network.discourse import collect
        from castcorpus.network.graphs import NetworkError, networks
        from castcorpus.network.export import export, graphml_text, two_mode_csv
    except ImportError as err:
        print(f"castcorpus network: {err.name} is missing; install the extra: pip install 'castcorpus[network]'",
              file=sys.stderr)
        return 2
    try:
        corpus = Corpus(args.corpus, cache_dir=args.cache)
        graphs = networks(collect(corpus, args.by), corpus.actors)
    except (CorpusError, NetworkError) as err:
        print(f"castcorpus network: {err}", file=sys.stderr)
        return 2
    two = graphs["two-mode"]
    if args.out == "-":
        sys.stdout.write(graphml_text(two) if args.format == "graphml" else two_mode_csv(two))
        return 0
    out = Path(args.out or f"discourse-network.{args.format}")
    for path in export(graphs, out, args.format):
        print(f"wrote {path}", file=sys.stderr)
    actors = sum(1 for _, kind in two.nodes(data="kind") if kind == "actor")
    print(f"{actors} actor(s), {two.number_of_nodes() - actors} concept(s), {two.number_of_edges()} tie(s); "
          f"congruence {graphs['congruence'].number_of_edges()} edge(s), conflict {graphs['conflict'].number_of_edges()}",
          file=sys.stderr)
    return 0
