#!/bin/sh
# Checks `floe run --executor slurm` on a real (single-node) Slurm: runs
# pipelines/backfill.yaml over DAYS days (default 4) of generated archives locally and
# through Slurm, with the same warehouse path, and compares every output file byte for
# byte; then checks that SIGTERM to the runner cancels its jobs (scancel) and that a
# runner killed with SIGKILL leaves a job the next run finds and waits for.
#
#   sudo scripts/cluster/check-slurm.sh            # as root (slurm-local.sh needs it)
#   DAYS=7 FLOE_BIN=.build/release scripts/cluster/check-slurm.sh
#
# Starts its own Slurm with scripts/cluster/slurm-local.sh and stops it (by pid) on exit.
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
days=${DAYS:-4}
first=2024-03-01
last=$(date -u -d "$first + $((days - 1)) day" +%F)

if [ -z "${FLOE_BIN:-}" ]; then
    swift build --product floe >&2
    FLOE_BIN=$(swift build --show-bin-path)
fi
bin=$(cd "$FLOE_BIN" && pwd)
work=$(mktemp -d /tmp/floe-check-slurm.XXXXXX)
chmod 755 "$work"
slurm="$work/slurm"
cleanup() { "$root/scripts/cluster/slurm-local.sh" stop "$slurm" >&2 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/scripts/cluster/slurm-local.sh" start "$slurm"
. "$slurm/env.sh"
export SLURM_CONF

fail() { echo "check-slurm: FAIL: $*" >&2; exit 1; }

echo "check-slurm: generating $days days ($first … $last) under $work/archive" >&2
i=0
while [ $i -lt "$days" ]; do
    d=$(date -u -d "$first + $i day" +%F)
    "$bin/floe" generate --rows 20000 --days 1 --start "$d" --seed $((i + 1)) --dialect nfdump-csv --dirt 0.01 --gzip \
        --output "$work/archive/$d/flows.csv.gz" > /dev/null
    i=$((i + 1))
done

export FLOE_ARCHIVE="$work/archive"
export FLOE_WAREHOUSE="$work/warehouse"
# pipelines/backfill.yaml with one line added: floe-clean's reference time fixed. Without it
# the dataset's manifest.json records the wall clock of each run (reference_time), which
# differs between any two runs, local or not.
pipeline="$work/backfill.yaml"
sed 's|^      not-after: "{date}"$|&\n      reference-time: "2024-06-01T00:00:00Z"|' pipelines/backfill.yaml > "$pipeline"
[ "$(diff pipelines/backfill.yaml "$pipeline" | grep -c '^>')" -eq 1 ] || fail "could not fix the reference time in a copy of pipelines/backfill.yaml"

# 1. The same backfill locally and through Slurm, into the same warehouse path.
# floe-ingest's manifest.json records how long the ingest took (duration_seconds), which
# differs between any two runs; those files are compared with that one value masked.
mask() { sed 's/"duration_seconds" *: *[0-9.eE+-]*/"duration_seconds":MASKED/' "$1"; }
# compare A B LABEL [FILE…]: every file of A and B (but the writers' lock files, which
# hold the last writer's pid) byte for byte; the FILEs may differ.
compare() {
    a=$1 b=$2 label=$3
    shift 3
    (cd "$a" && find . -type f ! -name .floe-writer.lock | sort) > "$work/a.files"
    (cd "$b" && find . -type f ! -name .floe-writer.lock | sort) > "$work/b.files"
    cmp -s "$work/a.files" "$work/b.files" || fail "$label: different files: $(diff "$work/a.files" "$work/b.files" | head)"
    same=0 masked=0 allowed=0
    while read -r f; do
        if cmp -s "$a/$f" "$b/$f"; then
            same=$((same + 1))
        elif [ "$(basename "$f")" = manifest.json ] && grep -q '"duration_seconds"' "$a/$f" \
            && [ "$(mask "$a/$f")" = "$(mask "$b/$f")" ]; then
            masked=$((masked + 1))
        else
            ok=0
            for g in "$@"; do [ "$f" = "$g" ] && ok=1; done
            [ $ok = 1 ] || fail "$label: $f differs"
            allowed=$((allowed + 1))
        fi
    done < "$work/a.files"
    [ "$same" -gt 0 ] || fail "$label: no output files"
    echo "check-slurm: $label: $same files byte-identical, $masked ingest manifests identical but for duration_seconds, $allowed allowed to differ ($*)" >&2
}
tasks=$((days * 2))

# 1a. One task at a time, locally and through Slurm: the same order, so even the dataset's
# manifest.json (which describes the last day cleaned) must match.
echo "check-slurm: local run, --jobs 1" >&2
"$bin/floe" run "$pipeline" --from "$first" --to "$last" --jobs 1 --state-dir "$work/state-local" \
    > "$work/local.out" || fail "local run failed: $(cat "$work/local.out")"
mv "$work/warehouse" "$work/local"
echo "check-slurm: Slurm run, --jobs 1" >&2
"$bin/floe" run "$pipeline" --executor slurm --jobs 1 --poll-seconds 0.5 --from "$first" --to "$last" \
    --state-dir "$work/state-slurm1" > "$work/slurm1.out" || fail "Slurm run failed: $(cat "$work/slurm1.out")"
mv "$work/warehouse" "$work/slurm1"
compare "$work/local" "$work/slurm1" "local vs Slurm, --jobs 1"

# 1b. Every day at once through Slurm: only the dataset's manifest.json and
# quarantine.jsonl may differ (they are the last clean run's, and which day that is depends
# on the order the days end); each day's own pair under flows/_clean_runs/ must match.
echo "check-slurm: Slurm run, all days at once" >&2
start=$(date +%s)
"$bin/floe" run "$pipeline" --executor slurm --poll-seconds 0.5 --from "$first" --to "$last" \
    --state-dir "$work/state-slurm" > "$work/slurm.out" || fail "Slurm run failed: $(cat "$work/slurm.out")"
echo "check-slurm: $(tail -n 1 "$work/slurm.out") ($(($(date +%s) - start)) s wall)" >&2
grep -q "floe run: 2 stages ($tasks tasks), $tasks ran, 0 skipped, 0 failed" "$work/slurm.out" || fail "unexpected summary: $(tail -n 1 "$work/slurm.out")"
mv "$work/warehouse" "$work/slurm-out"
compare "$work/local" "$work/slurm-out" "local --jobs 1 vs Slurm in parallel" ./flows/manifest.json ./flows/quarantine.jsonl
# Every task really went through Slurm, and run.json has their exit codes.
run_json=$(ls -d "$work"/state-slurm/logs/*/run.json | tail -n 1)
[ "$(grep -c '"exit_code" : 0' "$run_json")" -eq $((tasks + 1)) ] || fail "run.json lacks exit codes: $run_json"
[ "$(grep -l '^# Slurm job [0-9]* on ' "$(dirname "$run_json")"/*.log | wc -l)" -eq "$tasks" ] || fail "not every log names its Slurm job"
# A second run submits nothing.
mv "$work/slurm-out" "$work/warehouse"
"$bin/floe" run "$pipeline" --executor slurm --poll-seconds 0.5 --from "$first" --to "$last" \
    --state-dir "$work/state-slurm" > "$work/slurm2.out" || fail "second Slurm run failed"
grep -q ", 0 ran, $tasks skipped, 0 failed" "$work/slurm2.out" || fail "second run did not skip: $(tail -n 1 "$work/slurm2.out")"
echo "check-slurm: second run skipped all $tasks tasks" >&2

# 2. SIGTERM to the runner cancels its jobs.
cat > "$work/slow.yaml" <<YAML
version: 1
stages:
  slow:
    run: ["sh", "-c", "echo \$\$ > $work/slow.pid; sleep 300; echo done > $work/slow.txt"]
    outputs: "$work/slow.txt"
YAML
"$bin/floe" run "$work/slow.yaml" --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > "$work/slow.out" 2> "$work/slow.err" &
runner=$!
i=0
until [ -s "$work/slow.pid" ] || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/slow.pid" ] || fail "the slow job never started"
job=$(squeue --noheader --states=all --format='%i %j' | awk '$2 ~ /^floe-slow-/ { print $1 }' | tail -n 1)
kill -TERM "$runner"
status=0
wait "$runner" || status=$?
[ "$status" -eq 143 ] || fail "the interrupted runner exited $status, not 143: $(cat "$work/slow.err")"
state=$(scontrol show job -o "$job" | tr ' ' '\n' | sed -n 's/^JobState=//p')
[ "$state" = CANCELLED ] || fail "job $job is $state after SIGTERM to the runner, not CANCELLED"
# Slurm reports CANCELLED at once and then kills the job's processes (SIGTERM, SIGKILL after
# KillWait, 30 s by default): the stage must be gone within that.
stage=$(cat "$work/slow.pid")
i=0
while kill -0 "$stage" 2>/dev/null && [ $i -lt 350 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$stage" 2>/dev/null && fail "the stage process $stage of job $job still runs 35 s after the cancel"
echo "check-slurm: SIGTERM → exit 143, job $job CANCELLED, its stage process gone $((i / 10)).$((i % 10)) s after the runner exited" >&2

# 3. A runner killed by SIGKILL leaves its job; the next run waits for it, never duplicates it.
rm -f "$work/slow.pid"
sed -i 's/sleep 300/sleep 8/' "$work/slow.yaml"
"$bin/floe" run "$work/slow.yaml" --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > /dev/null 2>&1 &
runner=$!
i=0
until [ -s "$work/slow.pid" ] || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$runner"
wait "$runner" 2>/dev/null || true
left=$(squeue --noheader --format='%i %j %T' | awk '$2 ~ /^floe-slow-/ && $3 == "RUNNING" { print $1 }')
[ -n "$left" ] || fail "no job left running after SIGKILL of the runner"
"$bin/floe" run "$work/slow.yaml" --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > "$work/rerun.out" 2> "$work/rerun.err" || fail "rerun failed: $(cat "$work/rerun.err")"
grep -q "Slurm job $left (slow, RUNNING) of an earlier run of this state folder is still queued" "$work/rerun.err" \
    || fail "the rerun did not report job $left: $(cat "$work/rerun.err")"
# The new job started only after the leftover had ended.
new=$(squeue --noheader --states=all --format='%i %j' | awk '$2 ~ /^floe-slow-/ { print $1 }' | sort -n | tail -n 1)
left_end=$(scontrol show job -o "$left" | tr ' ' '\n' | sed -n 's/^EndTime=//p')
new_start=$(scontrol show job -o "$new" | tr ' ' '\n' | sed -n 's/^StartTime=//p')
[ "$new" != "$left" ] && [ "$(date -d "$new_start" +%s)" -ge "$(date -d "$left_end" +%s)" ] \
    || fail "job $new (start $new_start) overlapped leftover $left (end $left_end)"
echo "check-slurm: SIGKILL → leftover job $left found and waited for (ended $left_end), then job $new (started $new_start)" >&2
echo "check-slurm: OK" >&2
