"""The names the labeling config, the tasks and the import share: tags, region labels, relations.

Region ids carry what a region stands for in the annotation file (claim ``c3``, the cue of its
second attribution step ``c3-step2``, the first evidence span of stance ``s4`` ``s4-e0``), so
that a task exported and imported unchanged comes back as the same file. Regions an annotator
draws in Label Studio get Label Studio's own ids; they are placed by their relations instead.
"""

from __future__ import annotations

import re

TEXT = "text"                 # the Text tag the regions are drawn on
LAYER = "layer"               # the Labels tag: which layer a region belongs to
MENTION_ACTOR = "mention_actor"  # the Choices tag holding a mention's actor key
RELATIONS = "relations"

#: Region labels (values of the Labels tag).
MENTION, CLAIM, CUE, EVIDENCE = "mention", "claim", "cue", "evidence"
REGION_LABELS = (MENTION, CLAIM, CUE, EVIDENCE)
#: Relation labels. claim -attribution-> cue -source-> mention: one step of a claim's chain of
#: sources (a cue without a source is the author's). evidence -target-> mention or claim and
#: evidence -holder-> mention: a stance, read from its first evidence span (no holder: the
#: author); evidence -evidence-> evidence: a further evidence span of the same stance.
ATTRIBUTION, SOURCE, TARGET, HOLDER, MORE_EVIDENCE = "attribution", "source", "target", "holder", "evidence"
RELATION_LABELS = (ATTRIBUTION, SOURCE, TARGET, HOLDER, MORE_EVIDENCE)

#: Where the task keeps what Label Studio does not show (the file's header fields).
CARRIED = "castcorpus"
AUTHOR = "author"

STEP_ID = re.compile(r"^(?P<claim>[a-z][0-9]{1,5})-step(?P<step>[0-9]+)$")
EVIDENCE_ID = re.compile(r"^(?P<stance>[a-z][0-9]{1,5})-e(?P<index>[0-9]+)$")
LOCAL_ID = re.compile(r"^[a-z][0-9]{1,5}$")
