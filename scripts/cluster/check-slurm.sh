#!/bin/sh
# Checks `floe run --executor slurm` on a real (single-node) Slurm: runs
# pipelines/backfill.yaml over DAYS days (default 4) of generated archives locally and
# through Slurm, with the same warehouse path, and compares every output file byte for
# byte (the all-days-at-once run submits the days of a stage as job arrays, split at the
# cluster's MaxArraySize, set to 3 here); then checks that SIGTERM to the runner cancels its
# job array (scancel) and that a runner killed with SIGKILL leaves array elements the next
# run finds (through the array's task map) and waits for.
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
# A small MaxArraySize, so that DAYS=4 days of a stage need two arrays (3 + 1).
export SLURM_MAX_ARRAY_SIZE=${SLURM_MAX_ARRAY_SIZE:-3}
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
logs=$(dirname "$run_json")
[ "$(grep -l '^# Slurm job [0-9_]* on ' "$logs"/*.log | wc -l)" -eq "$tasks" ] || fail "not every log names its Slurm job"
# The days of ingest (all ready at once) went as job arrays of at most MaxArraySize days,
# each day's log naming its array element (JOBID_INDEX).
arrays=$(ls "$logs"/ingest-array-*.slurm.sh 2>/dev/null | wc -l)
expected=$(( (days + SLURM_MAX_ARRAY_SIZE - 1) / SLURM_MAX_ARRAY_SIZE ))
[ "$arrays" -eq "$expected" ] || fail "$arrays job arrays for ingest's $days days, not $expected (MaxArraySize $SLURM_MAX_ARRAY_SIZE)"
[ "$(grep -l '^# Slurm job [0-9]*_[0-9]* on ' "$logs"/ingest-*.log | wc -l)" -eq "$days" ] || fail "not every ingest log names an array element"
elements=$(grep -l '^# Slurm job [0-9]*_[0-9]* on ' "$logs"/*.log | wc -l)
echo "check-slurm: $arrays job arrays for ingest's $days days (MaxArraySize $SLURM_MAX_ARRAY_SIZE); $elements of $tasks tasks ran as array elements" >&2
[ -z "$(ls "$work/state-slurm/slurm-arrays" 2>/dev/null)" ] || fail "task maps left in $work/state-slurm/slurm-arrays"
# A second run submits nothing.
mv "$work/slurm-out" "$work/warehouse"
"$bin/floe" run "$pipeline" --executor slurm --poll-seconds 0.5 --from "$first" --to "$last" \
    --state-dir "$work/state-slurm" > "$work/slurm2.out" || fail "second Slurm run failed"
grep -q ", 0 ran, $tasks skipped, 0 failed" "$work/slurm2.out" || fail "second run did not skip: $(tail -n 1 "$work/slurm2.out")"
echo "check-slurm: second run skipped all $tasks tasks" >&2

# 2. SIGTERM to the runner cancels its jobs: here one job array, a day of a slow stage
# each element.
cat > "$work/slow.yaml" <<YAML
version: 1
stages:
  slow:
    run: ["sh", "-c", "echo \$\$ > $work/slow-\$1.pid; sleep 300; echo done > $work/slow-\$1.txt", "slow"]
    for_each: date
    args: ["{date}"]
    outputs: "$work/slow-{date}.txt"
YAML
slow_days="--from 2024-03-01 --to 2024-03-02"
both_started() { [ -s "$work/slow-2024-03-01.pid" ] && [ -s "$work/slow-2024-03-02.pid" ]; }
"$bin/floe" run "$work/slow.yaml" $slow_days --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > "$work/slow.out" 2> "$work/slow.err" &
runner=$!
i=0
until both_started || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
both_started || fail "the slow array's elements never started: $(cat "$work/slow.err")"
jobs=$(squeue --noheader --states=all --format='%i %j' | awk '$2 ~ /^floe-slow-/ { print $1 }' | sort)
[ "$(echo "$jobs" | grep -c '^[0-9]*_[01]$')" -eq 2 ] || fail "the slow days did not run as one job array's elements: $jobs"
kill -TERM "$runner"
status=0
wait "$runner" || status=$?
[ "$status" -eq 143 ] || fail "the interrupted runner exited $status, not 143: $(cat "$work/slow.err")"
for job in $jobs; do
    state=$(scontrol show job -o "$job" | tr ' ' '\n' | sed -n 's/^JobState=//p')
    [ "$state" = CANCELLED ] || fail "array element $job is $state after SIGTERM to the runner, not CANCELLED"
done
# Slurm reports CANCELLED at once and then kills the job's processes (SIGTERM, SIGKILL after
# KillWait, 30 s by default): the stages must be gone within that.
i=0
for stage in $(cat "$work"/slow-*.pid); do
    while kill -0 "$stage" 2>/dev/null && [ $i -lt 350 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$stage" 2>/dev/null && fail "the stage process $stage still runs 35 s after the cancel"
done
echo "check-slurm: SIGTERM → exit 143, array elements $(echo $jobs) CANCELLED, their stage processes gone $((i / 10)).$((i % 10)) s after the runner exited" >&2

# 3. A runner killed by SIGKILL leaves its job; the next run waits for it, never duplicates it.
rm -f "$work"/slow-*.pid
sed -i 's/sleep 300/sleep 8/' "$work/slow.yaml"
"$bin/floe" run "$work/slow.yaml" $slow_days --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > /dev/null 2>&1 &
runner=$!
i=0
until both_started || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$runner"
wait "$runner" 2>/dev/null || true
left=$(squeue --noheader --format='%i %j %T' | awk '$2 ~ /^floe-slow-/ && $3 == "RUNNING" { print $1 }' | sort)
[ "$(echo "$left" | grep -c '^[0-9]*_[01]$')" -eq 2 ] || fail "not two array elements left running after SIGKILL of the runner: $left"
slow_jobs() { squeue --noheader --states=all --format='%i %j' | awk '$2 ~ /^floe-slow-/ { print $1 }' | sort; }
before=$(slow_jobs)
"$bin/floe" run "$work/slow.yaml" $slow_days --executor slurm --poll-seconds 0.5 --state-dir "$work/state-slow" \
    > "$work/rerun.out" 2> "$work/rerun.err" || fail "rerun failed: $(cat "$work/rerun.err")"
for job in $left; do
    day=2024-03-0$((${job#*_} + 1))
    grep -q "Slurm job $job (slow@$day, RUNNING) of an earlier run of this state folder is still queued" "$work/rerun.err" \
        || fail "the rerun did not report element $job: $(cat "$work/rerun.err")"
done
# The new jobs started only after the leftovers had ended.
left_end=$(for job in $left; do scontrol show job -o "$job" | tr ' ' '\n' | sed -n 's/^EndTime=//p'; done | sort | tail -n 1)
new=$(slow_jobs | grep -vxF "$before" || true)
[ -n "$new" ] || fail "the rerun submitted nothing new"
for job in $new; do
    new_start=$(scontrol show job -o "$job" | tr ' ' '\n' | sed -n 's/^StartTime=//p')
    [ "$(date -d "$new_start" +%s)" -ge "$(date -d "$left_end" +%s)" ] || fail "job $job (start $new_start) overlapped the leftovers (end $left_end)"
done
echo "check-slurm: SIGKILL → leftover elements $(echo $left) found through the task map and waited for (ended $left_end), then $(echo $new)" >&2
echo "check-slurm: OK" >&2
