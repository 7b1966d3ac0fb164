import Foundation
@testable import FlowPipeline

/// Fake `sbatch`, `squeue`, `scontrol` and `scancel` (shell scripts in a temp folder) that
/// keep jobs as files (written atomically, as a controller answers): `job-N.state`, `.exit` (`code:signal`), `.name`, `.comment`,
/// `.args`, `.pid`; an array `--array=0-K` N makes elements `N_0` … `N_K`, each kept like a job
/// (its task, for `force`, read from the array's task map). A submitted job runs at once in its own session, in its `--chdir`, its
/// output appended to `--output`, like slurmd would run it. Every call is logged in
/// `calls.log`. `force(task:state:)` makes the next job of a task end in that state
/// without running (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL …); `failNextPolls` makes squeue
/// fail like an overloaded controller.
final class FakeSlurm {
    let dir: String
    var bin: String { dir + "/bin" }

    init(root: String) throws {
        dir = root + "/fake-slurm"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/force", withIntermediateDirectories: true)
        try tool("sbatch", """
        echo "sbatch $*" >> "$D/calls.log"
        if [ -f "$D/reject" ]; then echo "sbatch: error: $(cat "$D/reject")" >&2; exit 1; fi
        exec 9>"$D/lock"; flock 9
        n=$(cat "$D/counter" 2>/dev/null || echo 100); n=$((n + 1)); echo $n > "$D/counter"
        flock -u 9
        name=""; comment=""; out=/dev/null; chdir=.; script=""; array=""
        for a in "$@"; do
          case "$a" in
            --job-name=*) name=${a#--job-name=};;
            --comment=*) comment=${a#--comment=};;
            --output=*) out=${a#--output=};;
            --chdir=*) chdir=${a#--chdir=};;
            --array=*) array=${a#--array=};;
            -*) ;;
            *) script=$a;;
          esac
        done
        # A job array 0-K: elements N_0 … N_K, each a job of its own (task from the task map).
        ids=$n
        if [ -n "$array" ]; then
          last=${array#0-}; last=${last%%%*}
          ids=""; i=0
          while [ $i -le $last ]; do ids="$ids ${n}_$i"; i=$((i + 1)); done
        fi
        for id in $ids; do
          index=""; case "$id" in *_*) index=${id#*_};; esac
          printf '%s\\n' "$@" > "$D/job-$id.args"
          env | grep '^SLURM_' | sort > "$D/job-$id.env"
          echo "$name" > "$D/job-$id.name"
          echo "$comment" > "$D/job-$id.comment"
          task=$(echo "$comment" | sed -n 's/.*task=\\([^,]*\\).*/\\1/p')
          if [ -n "$index" ]; then task=$(sed -n "$((index + 1))p" "${comment#*,tasks=}"); fi
          if [ -n "$task" ] && [ -f "$D/force/$task" ]; then
            echo "0:15" > "$D/job-$id.exit"
            cat "$D/force/$task" > "$D/job-$id.state"
            rm -f "$D/force/$task"
            continue
          fi
          echo PENDING > "$D/job-$id.state"
          o=$(echo "$out" | sed "s/%a/$index/g; s/%A/$n/g")
          setsid sh -c '
            D=$1; n=$2; out=$3; chdir=$4; script=$5; index=$6
            put() { echo "$2" > "$D/job-$n.$1.tmp" && mv "$D/job-$n.$1.tmp" "$D/job-$n.$1"; }
            put state RUNNING
            if [ -n "$index" ]; then export SLURM_ARRAY_JOB_ID=${n%_*} SLURM_ARRAY_TASK_ID=$index; fi
            cd "$chdir" && SLURM_JOB_ID=$n sh "$script" >> "$out" 2>&1
            rc=$?
            [ -f "$D/job-$n.cancelled" ] && exit 0
            put exit "$rc:0"
            if [ $rc = 0 ]; then put state COMPLETED; else put state FAILED; fi
          ' fake-job "$D" $id "$o" "$chdir" "$script" "$index" < /dev/null > /dev/null 2>&1 &
          echo $! > "$D/job-$id.pid"
        done
        [ -n "$array" ] && echo "$n" > "$D/array-$n"
        echo "$n;fakecluster"
        """)
        try tool("squeue", """
        echo "squeue $*" >> "$D/calls.log"
        if [ -s "$D/squeue-failures" ] && { [ ! -f "$D/squeue-fail-after-submit" ] || [ -f "$D/counter" ]; }; then
          left=$(cat "$D/squeue-failures"); echo $((left - 1)) > "$D/squeue-failures"
          if [ "$left" -gt 0 ]; then echo "squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation" >&2; exit 1; fi
        fi
        name=""
        for a in "$@"; do case "$a" in --name=*) name=${a#--name=};; esac; done
        for f in "$D"/job-*.state; do
          [ -f "$f" ] || continue
          n=${f#"$D"/job-}; n=${n%.state}
          [ "$(cat "$D/job-$n.name")" = "$name" ] || continue
          echo "$n|$(cat "$f")|$(cat "$D/job-$n.comment")"
        done
        """)
        try tool("scontrol", """
        echo "scontrol $*" >> "$D/calls.log"
        if [ "$1 $2" = "show config" ]; then
          [ -f "$D/no-config" ] && { echo "scontrol: error: slurm_load_ctl_conf: Unable to contact slurm controller" >&2; exit 1; }
          echo "Configuration data as of 2026-01-01T00:00:00"; echo "MaxArraySize            = $(cat "$D/max-array-size" 2>/dev/null || echo 1001)"
          echo "MaxJobCount             = 10000"; exit 0
        fi
        n=$4
        if [ "$1 $2 $3" != "show job -o" ] || [ ! -f "$D/job-$n.state" ]; then echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1; fi
        echo "JobId=$n JobName=$(cat "$D/job-$n.name") JobState=$(cat "$D/job-$n.state") Reason=None ExitCode=$(cat "$D/job-$n.exit" 2>/dev/null || echo 0:0) NodeList=fakenode Comment=$(cat "$D/job-$n.comment")"
        """)
        try tool("scancel", """
        echo "scancel $*" >> "$D/calls.log"
        for a in "$@"; do
          case "$a" in -*) continue;; esac
          # A whole array's id cancels each of its elements.
          ids=$a
          [ -f "$D/array-$a" ] && ids=$(cd "$D" && ls job-"$a"_*.state | sed 's/^job-//; s/\\.state$//')
          for n in $ids; do
          case "$(cat "$D/job-$n.state")" in PENDING|RUNNING) ;; *) continue;; esac
          touch "$D/job-$n.cancelled"
          echo "0:15" > "$D/job-$n.exit.tmp" && mv "$D/job-$n.exit.tmp" "$D/job-$n.exit"
          kill -TERM "-$(cat "$D/job-$n.pid")" 2>/dev/null
          echo CANCELLED > "$D/job-$n.state.tmp" && mv "$D/job-$n.state.tmp" "$D/job-$n.state"
          done
        done
        """)
    }

    private func tool(_ name: String, _ body: String) throws {
        let path = bin + "/" + name
        try ("#!/bin/sh\nD='\(dir)'\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    /// The next job of `task` ends in `state` without running.
    func force(task: String, state: String) throws {
        try state.write(toFile: dir + "/force/" + task, atomically: true, encoding: .utf8)
    }

    /// The next `count` squeue calls fail (when `afterSubmission`, those after the first
    /// sbatch: the poller's, not the leftover search's).
    func failNextPolls(_ count: Int, afterSubmission: Bool) throws {
        try "\(count)".write(toFile: dir + "/squeue-failures", atomically: true, encoding: .utf8)
        if afterSubmission { FileManager.default.createFile(atPath: dir + "/squeue-fail-after-submit", contents: nil) }
    }

    /// Lines of `calls.log`, e.g. `sbatch --parsable …`.
    var calls: [String] {
        ((try? String(contentsOfFile: dir + "/calls.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The arguments of job N's sbatch call.
    func arguments(job: Int) -> [String] {
        ((try? String(contentsOfFile: dir + "/job-\(job).args", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The SLURM_* variables sbatch got for job N, `NAME=value` lines.
    func slurmEnvironment(job: Int) -> [String] {
        ((try? String(contentsOfFile: dir + "/job-\(job).env", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func state(job: Int) -> String? { state(of: String(job)) }

    /// The state of job or array element `id` (`101_3`).
    func state(of id: String) -> String? {
        (try? String(contentsOfFile: dir + "/job-\(id).state", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The arguments of the sbatch call that made job or array element `id`.
    func arguments(of id: String) -> [String] {
        ((try? String(contentsOfFile: dir + "/job-\(id).args", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// `scontrol show config` says MaxArraySize is `size`; nil: it fails (no controller).
    func setMaxArraySize(_ size: Int?) throws {
        if let size {
            try "\(size)".write(toFile: dir + "/max-array-size", atomically: true, encoding: .utf8)
        } else {
            FileManager.default.createFile(atPath: dir + "/no-config", contents: nil)
        }
    }

    /// Configures a run for the fake cluster: Slurm executor, fake tools first in PATH,
    /// fast polls.
    func configure(_ options: inout RunOptions) {
        options.executor = .slurm
        options.environment["PATH"] = bin + ":" + (options.environment["PATH"] ?? "/usr/bin:/bin")
        options.slurm.pollMinimum = 0.05
        options.slurm.pollMaximum = 0.2
        options.latencyWait = 0
    }
}
