#!/usr/bin/env python3
"""Turns floe-ingest's output for one input into the JSON lines compare_binary.py reads:
one object per record, in file order, keys as the peers' (proto, input_interface, …),
times as integer milliseconds, null columns left out.

  arrow_to_jsonl.py OUTPUT_DIR INPUT_PATH OUT.jsonl

Reads OUTPUT_DIR/manifest.json to find the input's Arrow files and fails unless the input
was ingested without failure and its accounting balances.
"""
import json, sys
import pyarrow as pa
import pyarrow.ipc as ipc

RENAME = {"protocol": "proto", "input_if": "input_interface", "output_if": "output_interface"}

def main():
    out_dir, input_path, jsonl = sys.argv[1:4]
    manifest = json.load(open(f"{out_dir}/manifest.json"))
    entry = next((i for i in manifest["inputs"] if i["path"] == input_path), None)
    if entry is None:
        sys.exit(f"{input_path}: not in {out_dir}/manifest.json")
    if entry["status"] == "failed":
        sys.exit(f"{input_path}: floe-ingest failed: {entry['error']}")
    if entry["rows_read"] != entry["rows_written"] + entry["rows_rejected"]:
        sys.exit(f"{input_path}: accounting does not balance: {entry}")
    rows = 0
    with open(jsonl, "w") as fh:
        for name in entry["outputs"]:
            table = ipc.open_file(f"{out_dir}/{name}").read_all()
            if "output_row_offset" in entry:  # a tiny input's rows inside a shared file
                table = table.slice(entry["output_row_offset"], entry["rows_written"])
            for col in ("start", "end"):  # timestamp[ms] → integer ms, no time zone games
                table = table.set_column(table.schema.get_field_index(col), col, table.column(col).cast(pa.int64()))
            for rec in table.to_pylist():
                r = {}
                for k, v in rec.items():
                    if v is None or k == "label":
                        continue
                    r[RENAME.get(k, k)] = v
                fh.write(json.dumps(r) + "\n")
                rows += 1
    if rows != entry["rows_written"]:
        sys.exit(f"{input_path}: {rows} rows in the Arrow files, manifest says {entry['rows_written']}")
    loss = [e for e in entry.get("export_loss", []) if e["gaps"] or e["resets"]]
    note = "; export loss: " + ", ".join(
        f"{e['version']} {e['exporter']}/{e['domain']}: {e['gaps']} gap(s), lost {e['lost']} {e['unit']}, {e['resets']} reset(s)"
        for e in loss) if loss else ""
    print(f"  floe-ingest: {entry['format']} {entry.get('export_versions', '')} rows {rows}, rejected {entry['rows_rejected']}{note}")

main()
