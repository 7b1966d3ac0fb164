#!/bin/sh
# floe export parquet, checked by pyarrow, DuckDB and polars (scripts/peers/check_parquet.py):
# generates DAYS days (default 3), runs floe-ingest and floe-clean, exports the dataset
# uncompressed and with gzip, and compares the lake with the Arrow dataset.
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
for compression in none gzip; do
    "$FLOE_BIN/floe" export parquet "$work/dataset" --output "$work/lake-$compression" --compression "$compression" >&2
    "$py" scripts/peers/check_parquet.py "$work/dataset" "$work/lake-$compression"
done
# Several row groups per day.
"$FLOE_BIN/floe" export parquet "$work/dataset" --output "$work/lake-small-groups" --row-group-rows 4096 >&2
"$py" scripts/peers/check_parquet.py "$work/dataset" "$work/lake-small-groups"
echo "check-parquet: OK" >&2
