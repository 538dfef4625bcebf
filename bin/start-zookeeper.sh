#!/usr/bin/env bash
# Starts a real ZooKeeper server (from the zookeeper jar Sluice is built with), in the foreground or with -daemon
# in the background.
# Usage: bin/start-zookeeper.sh [-daemon [--pid-file FILE] [--console-log FILE]] CONFIG
#   e.g. bin/start-zookeeper.sh config/zookeeper.properties
#   -daemon   pid to --pid-file (default $SLUICE_LOGS_DIR/sluice-zookeeper.pid), stdout/stderr to --console-log
#             (default $SLUICE_LOGS_DIR/sluice-zookeeper.out). Stop it with: bin/stop-zookeeper.sh --pid-file FILE
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
USAGE="Usage: start-zookeeper.sh [-daemon [--pid-file FILE] [--console-log FILE]] CONFIG   (a zoo.cfg-style properties file, e.g. config/zookeeper.properties)"
DAEMON=0
LOGS="${SLUICE_LOGS_DIR:-$HERE/../logs}"
PID_FILE="$LOGS/sluice-zookeeper.pid"
CONSOLE="$LOGS/sluice-zookeeper.out"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -daemon|--daemon) DAEMON=1; shift ;;
    --pid-file) PID_FILE="${2:?start-zookeeper.sh: --pid-file needs a value}"; shift 2 ;;
    --console-log) CONSOLE="${2:?start-zookeeper.sh: --console-log needs a value}"; shift 2 ;;
    -h|--help) echo "$USAGE"; exit 0 ;;
    *) break ;;
  esac
done
if [[ $# -ne 1 ]]; then
  echo "$USAGE" >&2
  exit 2
fi
if [[ ! -r "$1" ]]; then
  echo "start-zookeeper.sh: cannot read config file '$1'" >&2
  exit 1
fi
CONFIG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export SLUICE_HEAP_OPTS="${SLUICE_HEAP_OPTS:--Xms128m -Xmx512m}"
CMD=("$HERE/sluice-run-class.sh" --module core -Dzookeeper.admin.enableServer=false
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$CONFIG")
if [[ "$DAEMON" == 1 ]]; then
  source "$HERE/sluice-daemon-lib.sh"
  sluice_daemon_start start-zookeeper.sh ZooKeeper "$PID_FILE" "$CONSOLE" "${CMD[@]}"
fi
exec "${CMD[@]}"
