"""Names of the scored tasks, the baselines and the split schemes.

Kept free of heavy imports so that the command line can build its parser (choices, help)
without loading datasets, pyarrow or scikit-learn.
"""

from __future__ import annotations

#: Task configs the scorer knows (each also has a ``*_by_outlet`` twin).
SCORED = ("sentences", "checkworthiness", "claim_spans", "claims", "attribution", "stances", "actor_ner",
          "credibility")
#: Task configs with baselines.
BASELINE_TASKS = ("sentences", "checkworthiness", "claims", "attribution", "stances", "credibility", "claim_spans",
                  "actor_ner")
#: Baselines, in report order.
BASELINES = ("majority", "tfidf-lr", "minilm-lr")
#: Split schemes -> config suffix (the suffix is ``castcorpus.release.features.OUTLET_SUFFIX``; a test
#: checks they agree, since importing features here would load datasets).
SCHEMES = {"random": "", "outlet": "_by_outlet"}
