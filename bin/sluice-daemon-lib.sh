#!/usr/bin/env bash
# Shared by start-broker.sh, start-zookeeper.sh (-daemon) and stop-broker.sh, stop-zookeeper.sh; sourced, not run.
#
# A daemon is one JVM started in the background by bin/sluice-run-class.sh (which execs java, so the pid written to
# the pid file is the JVM's own). Stopping reads the pid file, checks that this pid is still the JVM it names (a pid
# may be reused by an unrelated process after a reboot or a crash), sends SIGTERM (a clean shutdown) and waits.

# Usage: sluice_daemon_start TOOL NAME PID_FILE CONSOLE_LOG COMMAND...
# Starts COMMAND in the background with stdout and stderr appended to CONSOLE_LOG and writes its pid to PID_FILE.
# Refuses (exit 1) if PID_FILE names a process that still runs.
sluice_daemon_start() {
  local tool="$1" name="$2" pid_file="$3" console="$4"
  shift 4
  if [[ -f "$pid_file" ]]; then
    local old
    old="$(tr -dc '0-9' <"$pid_file" 2>/dev/null || true)"
    if [[ -n "$old" ]] && kill -0 "$old" 2>/dev/null; then
      echo "$tool: $name is already running (pid $old, pid file $pid_file)" >&2
      exit 1
    fi
  fi
  mkdir -p "$(dirname "$pid_file")" "$(dirname "$console")" || { echo "$tool: cannot create the folders of $pid_file and $console" >&2; exit 1; }
  nohup "$@" >>"$console" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  echo "Started $name in the background: pid $pid, pid file $pid_file, console output $console"
  exit 0
}

# Usage: sluice_daemon_stop TOOL NAME MAIN_CLASS ARGS...   (ARGS: --pid-file F [--timeout-s N] [--force] [--help])
sluice_daemon_stop() {
  local tool="$1" name="$2" main_class="$3"
  shift 3
  local pid_file="" timeout_s=60 force=0
  local usage="Usage: $tool --pid-file FILE [--timeout-s SECONDS] [--force]
  Stops the $name whose pid is in FILE (written by its -daemon start) with SIGTERM, a clean shutdown, and waits
  up to --timeout-s seconds (default 60). --force: SIGKILL it if it has not stopped by then.
  Exit codes: 0 stopped (or not running), 1 could not stop it, 2 bad options."
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --pid-file) [[ $# -ge 2 ]] || { echo "$tool: --pid-file needs a value (try --help)" >&2; exit 2; }; pid_file="$2"; shift 2 ;;
      --timeout-s) [[ $# -ge 2 ]] || { echo "$tool: --timeout-s needs a value (try --help)" >&2; exit 2; }; timeout_s="$2"; shift 2 ;;
      --force) force=1; shift ;;
      -h|--help) echo "$usage"; exit 0 ;;
      *) echo "$tool: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
  done
  [[ -n "$pid_file" ]] || { echo "$tool: missing required option --pid-file (try --help)" >&2; exit 2; }
  [[ "$timeout_s" =~ ^[0-9]+$ && "$timeout_s" -ge 1 ]] || { echo "$tool: --timeout-s must be a whole number of seconds >= 1, got '$timeout_s' (try --help)" >&2; exit 2; }
  [[ -f "$pid_file" ]] || { echo "$tool: no pid file $pid_file (was the $name started with -daemon?)" >&2; exit 1; }
  local pid
  pid="$(tr -d '[:space:]' <"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || { echo "$tool: $pid_file does not hold a process id" >&2; exit 1; }
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    echo "The $name (pid $pid) is not running; removed the stale pid file $pid_file"
    exit 0
  fi
  local args
  args="$(ps -o args= -p "$pid" 2>/dev/null || true)"
  if [[ "$args" != *"$main_class"* ]]; then
    echo "$tool: pid $pid from $pid_file is not a $name ($main_class); not stopping it" >&2
    exit 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= timeout_s * 5 )); then
      if [[ "$force" == 1 ]]; then
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
        rm -f "$pid_file"
        echo "Killed the $name (pid $pid) with SIGKILL after ${timeout_s}s"
        exit 0
      fi
      echo "$tool: the $name (pid $pid) did not stop within ${timeout_s}s (try --force)" >&2
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "Stopped the $name (pid $pid)"
}
