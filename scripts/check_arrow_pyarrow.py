"""Peer check of a floe-written Arrow IPC file: reads it with pyarrow (ipc.open_file and
feather.read_table) and DuckDB, and compares schema, metadata and every row with the
expectations floe's test wrote beside it (FILE.expected.json). Without that file (e.g.
real ingest output) only the flow schema's key types are asserted and the rows printed.

    usage: python check_arrow_pyarrow.py FILE
"""
import json
import os
import sys

import duckdb
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main(path):
    want = None
    if os.path.exists(path + ".expected.json"):
        with open(path + ".expected.json", encoding="utf-8") as f:
            want = json.load(f)

    with pa.memory_map(path) as source:
        reader = ipc.open_file(source)
        schema = reader.schema
        batch_rows = [reader.get_batch(i).num_rows for i in range(reader.num_record_batches)]
        table = reader.read_all()
    table.validate(full=True)

    got_schema = [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]
    if want and got_schema != want["schema"]:
        for g, w in zip(got_schema, want["schema"]):
            if g != w:
                fail(f"schema field {g} != expected {w}")
        fail(f"schema has {len(got_schema)} fields, expected {len(want['schema'])}")
    ts = schema.field("start").type
    if not (pa.types.is_timestamp(ts) and ts.unit == "ms" and ts.tz == "UTC"):
        fail(f"start is {ts}, expected timestamp[ms, tz=UTC]")
    if schema.field("src_port").type != pa.uint16() or schema.field("bytes").type != pa.uint64():
        fail("port/bytes columns are not uint16/uint64")
    if schema.field("src_addr").type != pa.utf8():
        fail("src_addr is not utf8")

    metadata = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    for k, v in (want["metadata"] if want else {}).items():
        if metadata.get(k) != v:
            fail(f"metadata {k!r} is {metadata.get(k)!r}, expected {v!r}")
    if want and batch_rows != want["batch_rows"]:
        fail(f"record batch row counts {batch_rows} != {want['batch_rows']}")

    # Rows, with timestamps as epoch milliseconds.
    columns = []
    for f in schema:
        col = table.column(f.name)
        if pa.types.is_timestamp(f.type):
            col = col.cast(pa.int64())
        columns.append(col.to_pylist())
    rows = [list(r) for r in zip(*columns)]
    if want and len(rows) != want["count"]:
        fail(f"{len(rows)} rows, expected {want['count']}")
    for i, (g, w) in enumerate(zip(rows, want["rows"] if want else [])):
        if g != w:
            diffs = [(schema[j].name, g[j], w[j]) for j in range(len(g)) if g[j] != w[j]]
            fail(f"row {i} differs (column, got, expected): {diffs}")

    # The same file through pyarrow.feather.
    ftable = feather.read_table(path)
    if not ftable.equals(table):
        fail("feather.read_table differs from ipc.open_file")

    # DuckDB over the Arrow table.
    tbl = table  # noqa: F841  (DuckDB finds the table by its Python name)
    count, sum_bytes = duckdb.sql("select count(*), sum(bytes) from tbl").fetchall()[0]
    have_expectations = want is not None
    if want is None:
        want_sum = sum(table.column("bytes").to_pylist())
        want = {"count": table.num_rows}
    else:
        want_sum = want["sum_bytes"]["high"] * 2**64 + want["sum_bytes"]["low"]
    if count != want["count"] or int(sum_bytes or 0) != want_sum:
        fail(f"duckdb count/sum = {count}/{sum_bytes}, expected {want['count']}/{want_sum}")

    print(f"pyarrow {pa.__version__}, duckdb {duckdb.__version__}: {path}")
    print(f"schema ({len(schema)} fields):")
    for f in schema:
        print(f"  {f.name}: {f.type}{'' if f.nullable else ' not null'}")
    print(f"metadata: {metadata}")
    print(f"record batches: {batch_rows}")
    with_nulls = table.slice(0, 4).to_pylist()
    for r in with_nulls:
        print("  ", r)
    print(f"duckdb: select count(*), sum(bytes) from tbl -> ({count}, {sum_bytes})")
    if have_expectations:
        print(f"OK: {count} rows match the expectations")
    else:
        print(f"OK: {count} rows read (no {path}.expected.json: schema checks only)")

    # Files written by pyarrow, for floe's reader to read back (check-arrow-pyarrow.sh).
    with ipc.new_file(path + ".pyarrow.arrow", table.schema) as writer:
        writer.write_table(table)
    feather.write_feather(table, path + ".pyarrow.feather", compression="uncompressed", chunksize=25)
    feather.write_feather(table, path + ".pyarrow-lz4.feather", compression="lz4")
    print(f"wrote {path}.pyarrow.arrow, .pyarrow.feather (uncompressed), .pyarrow-lz4.feather")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
