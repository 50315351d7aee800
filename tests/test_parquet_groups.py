"""Row groups of the Parquet files: a fixed number of rows per group whatever the batches the
rows arrive in (a release is the same bytes for any number of build processes), and short
groups only for the configs whose rows carry a whole document."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.release.parquet import WHOLE_DOCUMENT_CONFIGS, SplitWriter, rows_per_group
from castcorpus.release.features import CONFIGS

SCHEMA = pa.schema([pa.field("n", pa.int64())])


@settings(max_examples=30, deadline=None)
@given(batches=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12),
       group=st.integers(min_value=1, max_value=25))
def test_groups_hold_a_fixed_number_of_rows_whatever_the_batches(tmp_path_factory, batches, group):
    folder = tmp_path_factory.mktemp("groups")
    writer = SplitWriter(folder, "train", SCHEMA, rows_per_group=group)
    start = 0
    for size in batches:
        writer.add_table(pa.table({"n": list(range(start, start + size))}, schema=SCHEMA))
        start += size
    (part, rows, _), = writer.close()
    metadata = pq.read_metadata(part)
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert rows == start and sum(sizes) == start
    assert all(size == group for size in sizes[:-1]) and 0 < sizes[-1] <= group
    assert pq.read_table(part).column("n").to_pylist() == list(range(start))


def test_configs_with_a_row_per_document_have_the_shorter_groups():
    whole = {rows_per_group(config) for config in WHOLE_DOCUMENT_CONFIGS}
    others = {rows_per_group(config) for config in CONFIGS if config not in WHOLE_DOCUMENT_CONFIGS}
    assert len(whole) == 1 and len(others) == 1 and max(whole) < min(others)
