"""Spark reads floe's Parquet lake as one partitioned table and agrees with the Arrow dataset.

usage: check_parquet_spark.py DATASET LAKE

Per day: rows, sum(bytes), sum(packets), first start, last end and distinct sources equal
those pyarrow computes from the Arrow dataset; the column types are what docs/parquet.md
promises (date DATE from the folder names, counters bigint, start/end timestamp, addresses
string); and a Spark SQL query for the top five talkers (sources by bytes) of each day
gives the same answer as the same ranking computed with pyarrow on the Arrow dataset.
"""
import glob
import os
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
from pyspark.sql import SparkSession

dataset, lake = sys.argv[1], sys.argv[2]


def fail(message):
    print(f"check_parquet_spark: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


spark = (SparkSession.builder.master("local[2]").appName("floe-check-parquet")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
flows = spark.read.parquet(lake)
types = dict(flows.dtypes)
for column, want in [("date", "date"), ("bytes", "bigint"), ("packets", "bigint"), ("start", "timestamp"),
                     ("src_addr", "string"), ("dst_port", "int"), ("bidirectional", "boolean"), ("bps", "double")]:
    if types.get(column) != want:
        fail(f"Spark reads {column} as {types.get(column)}, expected {want}")
flows.createOrReplaceTempView("flows")

expected = {}
talkers = {}
for folder in sorted(glob.glob(os.path.join(dataset, "date=*"))):
    day = os.path.basename(folder).split("=", 1)[1]
    table = pa.concat_tables([ipc.open_file(p).read_all() for p in sorted(glob.glob(os.path.join(folder, "part-*.arrow")))])
    expected[day] = (table.num_rows, pc.sum(table["bytes"]).as_py(), pc.sum(table["packets"]).as_py(),
                     pc.min(table["start"]).value, pc.max(table["end"]).value, len(pc.unique(table["src_addr"])))
    by_source = table.group_by("src_addr").aggregate([("bytes", "sum")]).to_pylist()
    by_source.sort(key=lambda r: (-r["bytes_sum"], r["src_addr"]))
    talkers[day] = [(r["src_addr"], r["bytes_sum"]) for r in by_source[:5]]

rows = spark.sql("""
    SELECT CAST(date AS STRING) AS day, count(*), sum(bytes), sum(packets),
           CAST(unix_millis(min(start)) AS BIGINT), CAST(unix_millis(max(`end`)) AS BIGINT), count(DISTINCT src_addr)
    FROM flows GROUP BY date ORDER BY date""").collect()
got = {r[0]: tuple(int(x) for x in r[1:]) for r in rows}
if got != expected:
    fail(f"per-day figures differ: {got} vs {expected}")
print(f"check_parquet_spark: {len(got)} days: rows, sums, time range and distinct sources equal; types as documented", file=sys.stderr)

# Spark SQL example: the top five talkers of each day.
top = spark.sql("""
    SELECT day, src_addr, total FROM (
        SELECT CAST(date AS STRING) AS day, src_addr, sum(bytes) AS total,
               row_number() OVER (PARTITION BY date ORDER BY sum(bytes) DESC, src_addr) AS rank
        FROM flows GROUP BY date, src_addr)
    WHERE rank <= 5 ORDER BY day, rank""").collect()
spark_talkers = {}
for r in top:
    spark_talkers.setdefault(r[0], []).append((r[1], int(r[2])))
if spark_talkers != talkers:
    fail(f"top talkers differ: {spark_talkers} vs {talkers}")
print("check_parquet_spark: top five talkers per day (Spark SQL) equal pyarrow's on the Arrow dataset", file=sys.stderr)
spark.stop()
print("check_parquet_spark: OK", file=sys.stderr)
