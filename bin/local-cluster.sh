#!/usr/bin/env bash
# One command for a local Sluice: builds the project if needed, starts a real ZooKeeper and one broker on
# loopback, and keeps both in the foreground until Ctrl-C (or SIGTERM), which stops them cleanly.
#
# Usage: bin/local-cluster.sh [--zookeeper-port N] [--broker-port N] [--data-dir DIR] [--rebuild]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ZK_PORT=2181
BROKER_PORT=9092
DATA_DIR="${TMPDIR:-/tmp}/sluice-local"
REBUILD=0

usage() {
  cat <<USAGE
Usage: local-cluster.sh [--zookeeper-port N] [--broker-port N] [--data-dir DIR] [--rebuild]
  Starts ZooKeeper (default port 2181) and one Sluice broker (default port 9092) on 127.0.0.1.
  --data-dir DIR   where ZooKeeper data, broker logs and server logs go (default $DATA_DIR)
  --rebuild        run 'mvn install -DskipTests' even if the project is already built
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --zookeeper-port) ZK_PORT="${2:?--zookeeper-port needs a value}"; shift 2 ;;
    --broker-port) BROKER_PORT="${2:?--broker-port needs a value}"; shift 2 ;;
    --data-dir) DATA_DIR="${2:?--data-dir needs a value}"; shift 2 ;;
    --rebuild) REBUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "local-cluster.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for p in "$ZK_PORT" "$BROKER_PORT"; do
  [[ "$p" =~ ^[0-9]+$ && "$p" -ge 1 && "$p" -le 65535 ]] || { echo "local-cluster.sh: '$p' is not a port number" >&2; exit 2; }
done
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$ZK_PORT" "$BROKER_PORT"; do
  if port_in_use "$p"; then
    echo "local-cluster.sh: port $p on 127.0.0.1 is already in use (choose another with --zookeeper-port/--broker-port)" >&2
    exit 1
  fi
done

if [[ "$REBUILD" == 1 || ! -f "$ROOT/core/target/classpath.txt" || ! -f "$ROOT/admin-cli/target/classpath.txt" ]]; then
  echo "Building Sluice (mvn -B -q install -DskipTests) ..."
  (cd "$ROOT" && mvn -B -q install -DskipTests)
fi

mkdir -p "$DATA_DIR/zookeeper" "$DATA_DIR/broker-0" "$DATA_DIR/logs"
cat > "$DATA_DIR/zookeeper.properties" <<PROPS
dataDir=$DATA_DIR/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
tickTime=2000
4lw.commands.whitelist=ruok,stat,mntr,srvr,conf
PROPS

ZK_PID=""
BROKER_PID=""
cleanup() {
  trap - INT TERM EXIT
  [[ -n "$BROKER_PID" ]] && kill -TERM "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
  [[ -n "$ZK_PID" ]] && kill -TERM "$ZK_PID" 2>/dev/null && wait "$ZK_PID" 2>/dev/null || true
  echo "Stopped."
}
trap cleanup INT TERM EXIT

SLUICE_LOGS_DIR="$DATA_DIR/logs/zookeeper" "$ROOT/bin/start-zookeeper.sh" "$DATA_DIR/zookeeper.properties" \
  >"$DATA_DIR/logs/zookeeper.out" 2>&1 &
ZK_PID=$!
for _ in $(seq 1 100); do port_in_use "$ZK_PORT" && break; sleep 0.2; done
port_in_use "$ZK_PORT" || { echo "ZooKeeper did not start; see $DATA_DIR/logs/zookeeper.out" >&2; exit 1; }

SLUICE_LOGS_DIR="$DATA_DIR/logs/broker-0" "$ROOT/bin/start-broker.sh" "$ROOT/config/server.properties" \
  --override broker.id=0 \
  --override "listeners=PLAINTEXT://127.0.0.1:$BROKER_PORT" \
  --override "log.dirs=$DATA_DIR/broker-0" \
  --override "zookeeper.connect=127.0.0.1:$ZK_PORT/sluice" \
  >"$DATA_DIR/logs/broker-0.out" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 300); do
  port_in_use "$BROKER_PORT" && break
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "The broker did not start:" >&2; tail -n 5 "$DATA_DIR/logs/broker-0.out" >&2; exit 1; }
  sleep 0.2
done
echo "Sluice is running: bootstrap server 127.0.0.1:$BROKER_PORT, ZooKeeper 127.0.0.1:$ZK_PORT/sluice"
echo "Logs: $DATA_DIR/logs   Stop with Ctrl-C."
wait "$BROKER_PID"
