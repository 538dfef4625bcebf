#!/usr/bin/env bash
# Starts a Sluice broker, in the foreground (SIGTERM shuts it down cleanly) or with -daemon in the background.
# Usage: bin/start-broker.sh [-daemon [--pid-file FILE] [--console-log FILE]] CONFIG [--override key=value]...
#   -daemon         run in the background; the pid goes to --pid-file (default $SLUICE_LOGS_DIR/sluice-broker.pid)
#                   and stdout/stderr to --console-log (default $SLUICE_LOGS_DIR/sluice-broker.out).
#                   Stop it with: bin/stop-broker.sh --pid-file FILE
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SLUICE_HEAP_OPTS="${SLUICE_HEAP_OPTS:--Xms256m -Xmx1g}"
export SLUICE_OPTS="${SLUICE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true}"
MAIN=(--module core io.sluice.core.server.BrokerMain)
if [[ "${1:-}" == "-daemon" || "${1:-}" == "--daemon" ]]; then
  shift
  LOGS="${SLUICE_LOGS_DIR:-$HERE/../logs}"
  PID_FILE="$LOGS/sluice-broker.pid"
  CONSOLE="$LOGS/sluice-broker.out"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --pid-file) PID_FILE="${2:?start-broker.sh: --pid-file needs a value}"; shift 2 ;;
      --console-log) CONSOLE="${2:?start-broker.sh: --console-log needs a value}"; shift 2 ;;
      *) break ;;
    esac
  done
  [[ $# -ge 1 && -r "$1" ]] || { echo "start-broker.sh: -daemon needs a readable CONFIG file (got '${1:-}')" >&2; exit 2; }
  source "$HERE/sluice-daemon-lib.sh"
  sluice_daemon_start start-broker.sh broker "$PID_FILE" "$CONSOLE" "$HERE/sluice-run-class.sh" "${MAIN[@]}" "$@"
fi
exec "$HERE/sluice-run-class.sh" "${MAIN[@]}" "$@"
