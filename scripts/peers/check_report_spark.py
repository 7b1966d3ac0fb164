"""The report's "Top talkers by bytes" table, computed again by Spark SQL from the Parquet lake.

usage: check_report_spark.py REPORT_MD LAKE [DAY]

floe-report reads the Arrow dataset; Spark reads floe's Parquet export of it. For the
report's period (one DAY, or every day of the lake), a Spark SQL query ranks sources by
total bytes; the report's table must list the same sources in the same order with the
same flow and packet counts (exact: the report prints them in full) and the same bytes
to the precision the report prints them (three significant digits with a binary unit).
"""
import re
import sys

from pyspark.sql import SparkSession

report_md, lake = sys.argv[1], sys.argv[2]
day = sys.argv[3] if len(sys.argv) > 3 else None


def fail(message):
    print(f"check_report_spark: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def report_table(path):
    """Rows of the first table after the '### Top talkers by bytes' heading."""
    lines = open(path, encoding="utf-8").read().splitlines()
    try:
        start = lines.index("### Top talkers by bytes")
    except ValueError:
        fail(f"{path} has no 'Top talkers by bytes' section")
    rows, seen_table = [], False
    for line in lines[start + 1:]:
        if line.startswith("|"):
            seen_table = True
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0].isdigit():
                rows.append(cells)
        elif seen_table:
            break
    if not rows:
        fail(f"{path}: the top talkers table has no rows")
    return rows


UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


def parse_bytes(text):
    m = re.fullmatch(r"([0-9.,]+) (B|KiB|MiB|GiB|TiB)", text)
    if not m:
        fail(f"cannot read the byte count '{text}'")
    return float(m.group(1).replace(",", "")), UNITS[m.group(2)]


rows = report_table(report_md)
spark = (SparkSession.builder.master("local[2]").appName("floe-check-report")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
spark.read.parquet(lake).createOrReplaceTempView("flows")
where = f"WHERE date = DATE '{day}'" if day else ""
top = spark.sql(f"""
    SELECT src_addr, sum(bytes) AS bytes, count(*) AS flows, sum(packets) AS packets
    FROM flows {where} GROUP BY src_addr ORDER BY bytes DESC, src_addr LIMIT {len(rows)}""").collect()
spark.stop()

for cells, r in zip(rows, top):
    rank, source, shown_bytes, flows, packets = cells[0], cells[1].strip("`"), cells[2], cells[4], cells[5]
    if source != r["src_addr"]:
        fail(f"rank {rank}: the report names {source}, Spark {r['src_addr']} ({r['bytes']} bytes)")
    if int(flows.replace(",", "")) != r["flows"] or int(packets.replace(",", "")) != r["packets"]:
        fail(f"{source}: report {flows} flows / {packets} packets, Spark {r['flows']} / {r['packets']}")
    value, unit = parse_bytes(shown_bytes)
    decimals = len(shown_bytes.split(" ")[0].split(".")[1]) if "." in shown_bytes else 0
    if abs(r["bytes"] / unit - value) > 0.5 * 10 ** -decimals + 1e-9:
        fail(f"{source}: report {shown_bytes}, Spark {r['bytes']} bytes")
if len(top) != len(rows):
    fail(f"the report lists {len(rows)} talkers, Spark found {len(top)} sources")
print(f"check_report_spark: the report's top {len(rows)} talkers by bytes{' of ' + day if day else ''} equal Spark SQL's on the Parquet lake "
      "(same order, flows and packets exact, bytes to the report's precision)", file=sys.stderr)
