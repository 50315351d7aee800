"""The ``castcorpus`` command line (``main``) and one module per subcommand in ``commands``."""
