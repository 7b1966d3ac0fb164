"""Peer check of floe-ingest: an independent reading of the same CSV (Python's csv,
ipaddress and datetime modules) against floe's Arrow output read by pyarrow, and the
same aggregates computed by DuckDB over the pyarrow dataset. Exits 1 on any mismatch.

usage: check_ingest.py INPUT.csv RAW_DIR
INPUT.csv is a generic-csv file (header: start,end,src_addr,dst_addr,…) that floe-ingest
read into RAW_DIR (plain or gzip: the first input of the manifest must be this file).
"""
import csv
import datetime
import ipaddress
import json
import sys

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.ipc as ipc

INT_COLUMNS = ["src_port", "dst_port", "protocol", "tcp_flags", "packets", "bytes", "input_if", "output_if",
               "src_as", "dst_as", "tos", "sampling_rate", "flow_direction", "rev_packets", "rev_bytes"]
EXPECTED_TYPES = {
    "start": pa.timestamp("ms", tz="UTC"), "end": pa.timestamp("ms", tz="UTC"),
    "src_addr": pa.string(), "dst_addr": pa.string(), "src_port": pa.uint16(), "dst_port": pa.uint16(),
    "protocol": pa.uint8(), "tcp_flags": pa.uint8(), "packets": pa.uint64(), "bytes": pa.uint64(),
    "input_if": pa.uint32(), "output_if": pa.uint32(), "src_as": pa.uint32(), "dst_as": pa.uint32(),
    "tos": pa.uint8(), "exporter": pa.string(), "sampling_rate": pa.uint32(), "flow_direction": pa.uint8(),
    "rev_packets": pa.uint64(), "rev_bytes": pa.uint64(), "label": pa.string(),
}
failures = []


def fail(msg):
    failures.append(msg)
    print("MISMATCH:", msg)


def millis(text):
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(t.timestamp() * 1000 + (0.5 if t.timestamp() >= 0 else -0.5)) if t.microsecond % 1000 == 0 else None


def canonical(text):
    ip = ipaddress.ip_address(text)
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)


def main():
    src, raw = sys.argv[1], sys.argv[2]
    manifest = json.load(open(f"{raw}/manifest.json"))
    entry = manifest["inputs"][0]
    quarantined = set()
    with open(f"{raw}/quarantine.jsonl") as q:
        for line in q:
            obj = json.loads(line)
            if obj.get("file") == entry["path"] and "line" in obj:
                quarantined.add(obj["line"])

    expected = []
    data_rows = 0
    with open(src, newline="", errors="surrogateescape") as f:
        reader = csv.DictReader(f)
        for number, row in enumerate(reader, start=2):
            data_rows += 1
            if number in quarantined:
                continue
            e = {"start": millis(row["start"]), "end": millis(row["end"]),
                 "src_addr": canonical(row["src_addr"]), "dst_addr": canonical(row["dst_addr"]),
                 "exporter": canonical(row["exporter"]) if row.get("exporter") else None,
                 "label": row.get("label") or None}
            for c in INT_COLUMNS:
                e[c] = int(row[c]) if row.get(c) not in (None, "") else None
            expected.append(e)

    # Accounting in the manifest.
    if entry["rows_read"] != data_rows:
        fail(f"manifest rows_read {entry['rows_read']} != {data_rows} data rows in {src}")
    if entry["rows_read"] != entry["rows_written"] + entry["rows_rejected"]:
        fail("manifest: rows_read != rows_written + rows_rejected")
    if entry["rows_rejected"] != len(quarantined):
        fail(f"manifest rows_rejected {entry['rows_rejected']} != {len(quarantined)} quarantine lines")

    # pyarrow: schema and every value.
    tables = [ipc.open_file(f"{raw}/{name}").read_all() for name in entry["outputs"]]
    table = pa.concat_tables(tables)
    bundled = "output_row_offset" in entry  # a tiny input's rows inside a shared file
    if bundled:
        table = table.slice(entry["output_row_offset"], entry["rows_written"])
    table.validate(full=True)
    for name, typ in EXPECTED_TYPES.items():
        if table.schema.field(name).type != typ:
            fail(f"column {name} has type {table.schema.field(name).type}, expected {typ}")
    if table.num_rows != len(expected):
        fail(f"pyarrow reads {table.num_rows} rows, expected {len(expected)}")
    columns = {}
    for name in EXPECTED_TYPES:
        col = table.column(name)
        if name in ("start", "end"):
            col = col.cast(pa.int64())
        columns[name] = col.to_pylist()
    compared = 0
    for i, e in enumerate(expected[: table.num_rows]):
        for name, value in e.items():
            if columns[name][i] != value:
                fail(f"row {i} column {name}: floe {columns[name][i]!r}, python {value!r}")
                if len(failures) > 20:
                    return
            compared += 1

    # DuckDB over the same files through a pyarrow dataset (DuckDB's own Arrow-file reader
    # is an extension that cannot be downloaded here).
    dataset = ds.dataset([f"{raw}/{n}" for n in entry["outputs"]], format="ipc")
    con = duckdb.connect()
    con.register("flows", table if bundled else dataset)
    got = con.execute(
        'select count(*), sum(bytes)::HUGEINT, sum(packets)::HUGEINT, count(distinct src_addr), '
        'min(epoch_ms(start)), max(epoch_ms("end")), count(*) filter (where protocol = 6), '
        'count(tcp_flags), count(distinct label) from flows').fetchone()
    want = (len(expected), sum(e["bytes"] for e in expected), sum(e["packets"] for e in expected),
            len({e["src_addr"] for e in expected}), min(e["start"] for e in expected),
            max(e["end"] for e in expected), sum(1 for e in expected if e["protocol"] == 6),
            sum(1 for e in expected if e["tcp_flags"] is not None), len({e["label"] for e in expected if e["label"]}))
    if tuple(int(x) for x in got) != want:
        fail(f"DuckDB aggregates {got} != python {want}")
    print(f"ingest peer check: {len(expected)} rows, {compared} values equal in pyarrow; "
          f"DuckDB aggregates {got} equal; {len(quarantined)} quarantined rows accounted")


main()
sys.exit(1 if failures else 0)
