#!/bin/sh
# floe export parquet, checked by pyarrow, DuckDB and polars (scripts/peers/check_parquet.py)
# and, when Java is installed (Debian: openjdk-17-jre-headless), Spark
# (scripts/peers/check_parquet_spark.py, and check_report_spark.py: the report's top
# talkers equal a Spark SQL query on the lake): generates DAYS days (default 3), runs floe-ingest
# and floe-clean, exports the dataset uncompressed, with gzip, zstd and snappy (when their
# libraries are there), and compares the lake
# with the Arrow dataset.
#   scripts/peers/check-parquet.sh            # FLOE_BIN=.build/release to use a release build
set -eu
cd "$(dirname "$0")/../.."
days=${DAYS:-3}
if [ -z "${FLOE_BIN:-}" ]; then
    swift build --product floe >&2
    FLOE_BIN=$(swift build --show-bin-path)
fi
py=$(scripts/python-env.sh polars)
work=$(mktemp -d /tmp/floe-check-parquet.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$FLOE_BIN/floe" generate --rows 50000 --days "$days" --start 2024-03-01 --seed 7 --dialect nfdump-csv --dirt 0.01 \
    --output "$work/flows.csv" > /dev/null
"$FLOE_BIN/floe" ingest --output "$work/raw" --quiet "$work/flows.csv" >&2
"$FLOE_BIN/floe" clean --output "$work/dataset" --reference-time 2024-06-01T00:00:00Z "$work/raw" >&2
for compression in none gzip zstd snappy; do
    if ! "$FLOE_BIN/floe" export parquet "$work/dataset" --output "$work/lake-$compression" --compression "$compression" 2> "$work/export.err"; then
        # zstd and snappy are optional (run-time libraries); anything else is a failure.
        grep -q "needs lib.* at run time" "$work/export.err" || { cat "$work/export.err" >&2; exit 1; }
        echo "check-parquet: $compression skipped: $(cat "$work/export.err")" >&2
        continue
    fi
    "$py" scripts/peers/check_parquet.py "$work/dataset" "$work/lake-$compression"
done
# Several row groups per day.
"$FLOE_BIN/floe" export parquet "$work/dataset" --output "$work/lake-small-groups" --row-group-rows 4096 >&2
"$py" scripts/peers/check_parquet.py "$work/dataset" "$work/lake-small-groups"
# As a pipeline stage, one task per day: incremental like every other stage.
cat > "$work/lake.yaml" <<YAML
version: 1
stages:
  lake:
    run: ["floe", "export", "parquet"]
    for_each: date
    inputs: "$work/dataset/date={date}"
    outputs: "$work/lake-stage/date={date}"
    params: {output: "$work/lake-stage", from: "{date}", to: "{date}"}
    args: ["$work/dataset"]
YAML
"$FLOE_BIN/floe" run "$work/lake.yaml" --from 2024-03-01 --to 2024-03-03 --state-dir "$work/state" > "$work/stage1.out"
"$FLOE_BIN/floe" run "$work/lake.yaml" --from 2024-03-01 --to 2024-03-03 --state-dir "$work/state" > "$work/stage2.out"
grep -q "3 ran, 0 skipped, 0 failed" "$work/stage1.out" && grep -q "0 ran, 3 skipped, 0 failed" "$work/stage2.out" \
    || { echo "check-parquet: FAIL: the export stage: $(tail -n 1 "$work/stage1.out") / $(tail -n 1 "$work/stage2.out")" >&2; exit 1; }
mkdir -p "$work/dataset-3days"
for d in 2024-03-01 2024-03-02 2024-03-03; do ln -s "$work/dataset/date=$d" "$work/dataset-3days/date=$d"; done
"$py" scripts/peers/check_parquet.py "$work/dataset-3days" "$work/lake-stage"
if command -v java > /dev/null; then
    py=$(scripts/python-env.sh polars pyspark)
    "$py" scripts/peers/check_parquet_spark.py "$work/dataset" "$work/lake-gzip"
    [ -d "$work/lake-zstd" ] && "$py" scripts/peers/check_parquet_spark.py "$work/dataset" "$work/lake-zstd"
    # The report's top talkers, from the Arrow dataset, equal Spark SQL's on the lake: for
    # the whole period and for one day.
    "$FLOE_BIN/floe" report --dataset "$work/dataset" --output "$work/report-all" >&2
    "$py" scripts/peers/check_report_spark.py "$work/report-all/report.md" "$work/lake-gzip"
    "$FLOE_BIN/floe" report --dataset "$work/dataset" --date 2024-03-02 --output "$work/report-day" >&2
    "$py" scripts/peers/check_report_spark.py "$work/report-day/report.md" "$work/lake-gzip" 2024-03-02
else
    echo "check-parquet: Spark skipped: no java (apt-get install openjdk-17-jre-headless)" >&2
fi
echo "check-parquet: OK" >&2
