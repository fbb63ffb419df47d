/// The script every fleet job runs, as `bash SCRIPT RECORD-FILE SECONDS`.
///
/// It appends one line when it starts and one when it ends to the record file (appends of a
/// line are single `write`s with `O_APPEND`, so lines of concurrent runs never mix):
///
///     start JOB TICK TOKEN WALL_US PID -
///     end JOB TICK TOKEN WALL_US PID ok|term
///
/// `JOB`, `TICK` and `TOKEN` are `JOBKIT_JOB`, `JOBKIT_TICK` (`-` for a run without a tick,
/// such as a triggered one) and `JOBKIT_LOCK_TOKEN`; `WALL_US`
/// is bash's `EPOCHREALTIME` in microseconds (no fork, so the stamp is taken the moment the
/// line is written); `PID` is the script's pid, which is also its process group (the shell
/// job's group, which a test may signal as a whole). SIGTERM (the scheduler cancelling the run
/// on lease loss or shutdown, or a test) ends the run at once with an `end … term` line, once
/// its start line is written: a SIGTERM that comes before (bash runs the trap between two
/// commands, so possibly before the start line) ends it with no line, never with an end alone.
public enum FleetRecordScript {
    /// The file name the harness writes the script to.
    public static let fileName = "record.sh"
    /// The file name of the record file.
    public static let recordFileName = "runs.txt"

    /// The script's text.
    public static let text = #"""
    #!/usr/bin/env bash
    # Written by the JobKit fleet harness: records the start and end of one job run.
    file=$1
    seconds=$2
    record() {
      local now=${EPOCHREALTIME/[.,]/}
      printf '%s %s %s %s %s %s %s\n' "$1" "$JOBKIT_JOB" "${JOBKIT_TICK:--}" "$JOBKIT_LOCK_TOKEN" "$now" "$$" "$2" >> "$file"
    }
    started=
    trap '[ -z "$started" ] || record end term; exit 143' TERM
    record start -
    started=1
    if [ "$seconds" != 0 ]; then
      sleep "$seconds" &
      wait $!
    fi
    record end ok
    """#
}
