"""Row groups of the Parquet files: a fixed number of rows per group whatever the batches the
rows arrive in (a release is the same bytes for any number of build processes), and short
groups only for the configs whose rows carry a whole document. Rows routed to their splits
keep their order, and the card counts exactly what each split holds."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from castcorpus.release.card_statistics import TOKENS_COLUMN, SplitCounter, label_counts
from castcorpus.release.features import CONFIGS, features
from castcorpus.release.parquet import (MAX_PENDING_PIECES, MIN_BYTES_PER_RUN, WHOLE_DOCUMENT_CONFIGS, ConfigWriter,
                                       SplitWriter, _routed, leaf_columns, rows_per_group, writer_options)
from castcorpus.splits.assign import SPLITS

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


CLAIMS_LABELS = ("type", "check_worthy", "certainty", "speaker_type")


def _claims_table(features, draw_rows):
    """A claims table of invented rows: ``draw_rows`` gives ``(label ids..., tokens)`` per row."""
    schema = features.arrow_schema
    rows = []
    for number, (kind, worthy, certainty, speaker, tokens) in enumerate(draw_rows):
        row = {field.name: None for field in schema}
        row.update({"text": " ".join(["word"] * tokens), "type": kind, "check_worthy": worthy,
                    "certainty": certainty, "speaker_type": speaker, "claim_id": f"c{number}"})
        rows.append(row)
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.append_column(TOKENS_COLUMN, pa.array([tokens for *_, tokens in draw_rows], pa.int32()))


_ROW = st.tuples(st.integers(0, 2), st.booleans(), st.integers(0, 1), st.integers(0, 1), st.integers(0, 9))


@settings(max_examples=25, deadline=None)
@given(batches=st.lists(st.lists(st.tuples(_ROW, st.integers(0, len(SPLITS) - 1)), max_size=30), min_size=1, max_size=5),
       group=st.integers(min_value=1, max_value=40))
def test_each_split_gets_its_rows_in_order_and_the_card_counts_them(tmp_path_factory, batches, group):
    """Rows routed by one take and slices (parquet._routed) reach each split in their order,
    whatever the batches and the group size; the card's statistics counted group by group
    are those of each split's rows counted at once (card_statistics.label_counts)."""
    claims = features("claims")
    folder = tmp_path_factory.mktemp("route") / "claims"
    writer = ConfigWriter((folder, None), claims.arrow_schema, rows_per_group=group, counter_type=SplitCounter)
    expected: dict[str, list[tuple]] = {}
    for batch in batches:
        writer.add_table(_claims_table(claims, [row for row, _ in batch]),
                         (np.array([code for _, code in batch], dtype=np.uint8), np.zeros(len(batch), dtype=np.uint8)))
        for row, code in batch:
            expected.setdefault(SPLITS[code], []).append(row)
    assert {split for _, split in writer.writers} == set(expected)
    for (_, split), split_writer in writer.writers.items():
        (part, rows, _), = split_writer.close()
        table = pq.read_table(part)
        assert TOKENS_COLUMN not in table.column_names and rows == len(expected[split])
        written = list(zip(*(table.column(name).to_pylist() for name in CLAIMS_LABELS)))
        assert written == [row[:4] for row in expected[split]]
        entry = split_writer.counter.entry()
        assert entry["rows"] == rows and entry["tokens"] == sum(row[4] for row in expected[split])
        assert entry["labels"] == {name: label_counts("claims", name, table.column(name)) for name in CLAIMS_LABELS}


#: Rows of the routing tests: a number and ballast, so that a run long enough to be sliced is a
#: few dozen rows (with the number alone it would be thousands, and the writers' many small
#: row groups made this the slowest test of the suite).
BALLAST = 1016
RUN_SCHEMA = pa.schema([pa.field("n", pa.int64()), pa.field("ballast", pa.binary(BALLAST))])
LONG_RUN = MIN_BYTES_PER_RUN // (8 + BALLAST)


def _numbered(numbers) -> pa.Table:
    """Rows of RUN_SCHEMA numbered ``numbers`` (their ballast zeros: no validity bitmap, so
    the buffers hold 8 + BALLAST bytes a row)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    ballast = pa.FixedSizeBinaryArray.from_buffers(pa.binary(BALLAST), len(numbers),
                                                   [None, pa.py_buffer(bytes(BALLAST * len(numbers)))])
    return pa.table([pa.array(numbers), ballast], schema=RUN_SCHEMA)


_RUNS = st.lists(st.tuples(st.integers(0, len(SPLITS) - 1), st.sampled_from([1, 7, LONG_RUN // 2, LONG_RUN, 2 * LONG_RUN])),
                 min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(batches=st.lists(_RUNS, min_size=1, max_size=3 * MAX_PENDING_PIECES // 4), group=st.integers(1, 400))
def test_rows_come_in_runs_of_a_split_and_reach_it_in_order(tmp_path_factory, batches, group):
    """Rows arrive a document at a time, so a split's rows are runs: long runs are routed as
    slices, short ones by a take; either way each split gets its rows in order, whatever the
    group size, and a split writer holding many pieces joins them."""
    folder = tmp_path_factory.mktemp("runs") / "n"
    writer = ConfigWriter((folder, None), RUN_SCHEMA, rows_per_group=group)
    expected: dict[str, list[int]] = {}
    start = 0
    for runs in batches:
        codes = np.concatenate([np.full(length, code, dtype=np.uint8) for code, length in runs])
        numbers = list(range(start, start + len(codes)))
        start += len(codes)
        parts = _routed(_numbered(numbers), codes)
        assert [n for code, part in parts for n in part.column("n").to_pylist()] == \
            [n for code in sorted(set(codes.tolist())) for n, c in zip(numbers, codes.tolist()) if c == code]
        writer.add_table(_numbered(numbers), (codes, np.zeros(len(codes), dtype=np.uint8)))
        for n, code in zip(numbers, codes.tolist()):
            expected.setdefault(SPLITS[code], []).append(n)
        assert all(len(split_writer.pending) <= MAX_PENDING_PIECES for split_writer in writer.writers.values())
    for (_, split), split_writer in writer.writers.items():
        (part, rows, _), = split_writer.close()
        assert pq.read_table(part).column("n").to_pylist() == expected[split]


def test_long_runs_are_sliced_without_a_copy_and_short_ones_taken():
    numbers = _numbered(range(4 * LONG_RUN))
    long_runs = np.repeat(np.array([0, 2], dtype=np.uint8), 2 * LONG_RUN)
    base = numbers.column("n").chunks[0].buffers()[1].address
    parts = _routed(numbers, long_runs)
    assert [code for code, _ in parts] == [0, 2]
    assert all(part.column("n").chunks[0].buffers()[1].address == base for _, part in parts)  # views of the batch
    short_runs = np.tile(np.array([0, 1], dtype=np.uint8), 2 * LONG_RUN)
    parts = _routed(numbers, short_runs)
    assert [code for code, _ in parts] == [0, 1]
    assert parts[0][1].column("n").to_pylist() == list(range(0, 4 * LONG_RUN, 2))
    assert parts[0][1].column("n").chunks[0].buffers()[1].address != base  # one take, a copy


def _written_columns(tmp_path, config: str) -> dict:
    """``{Parquet column path: column chunk metadata}`` of a file SplitWriter wrote for ``config``
    (two rows of nulls and empty lists are enough: encodings and statistics follow the schema)."""
    schema = features(config).arrow_schema
    writer = SplitWriter(tmp_path / config, "train", schema)
    nulls = {field.name: None for field in schema}
    writer.add_table(pa.Table.from_pylist([nulls, nulls], schema=schema))
    (part, _, _), = writer.close()
    group = pq.read_metadata(part).row_group(0)
    return {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}


def test_offsets_are_delta_encoded_and_lists_carry_no_statistics(tmp_path):
    for config in CONFIGS:
        schema = features(config).arrow_schema
        leaves = leaf_columns(schema)
        columns = _written_columns(tmp_path, config)
        assert sorted(columns) == sorted(path for path, _, _ in leaves), config  # the paths as Parquet spells them
        for path, typ, in_list in leaves:
            column = columns[path]
            if pa.types.is_int32(typ):  # offsets and indices
                assert "DELTA_BINARY_PACKED" in column.encodings, (config, path)
                assert not any("DICTIONARY" in e for e in column.encodings), (config, path)
            elif not pa.types.is_boolean(typ):  # strings and ClassLabel ids keep their dictionary
                assert any("DICTIONARY" in e for e in column.encodings), (config, path, column.encodings)
            assert column.is_stats_set == (not in_list), (config, path)


def test_writer_options_are_made_once_per_schema():
    schema = features("claims").arrow_schema
    assert writer_options(schema) is writer_options(features("claims").arrow_schema)
    assert writer_options(schema) is not writer_options(features("stances").arrow_schema)


@given(st.lists(st.integers(0, 9), max_size=12), st.integers(1, 12))
def test_joined_batches_keep_every_row_in_order_and_reach_the_size(sizes, rows):
    from castcorpus.release.write import _joined

    batches, start = [], 0
    for size in sizes:
        values = np.arange(start, start + size)
        batches.append((pa.table({"x": values}), values * 10))
        start += size
    joined = list(_joined(iter(batches), rows))
    assert all(table.num_rows >= rows for table, _ in joined[:-1])
    assert all(table.num_rows == len(positions) for table, positions in joined)
    values = [v for table, _ in joined for v in table.column("x").to_pylist()]
    assert values == list(range(start))
    assert [p for _, positions in joined for p in positions.tolist()] == [v * 10 for v in values]
