#!/usr/bin/env bash
# The one command to try Sluice: a real ZooKeeper and three brokers on free local ports, all data under one folder,
# a demo topic (6 partitions, replication factor 3) with sample records read by a consumer group, left running in
# the background.
#
# Usage: bin/quickstart.sh [start|stop|status] [--data-dir DIR]
#   start    (default) build if needed, start everything, create the topic, produce and consume samples, print status
#   stop     stop exactly the processes 'start' started, by their pid files (SIGTERM: clean shutdowns)
#   status   report what runs; exit 0 if everything runs, 1 if nothing does, 3 if only part of it does
#   --data-dir DIR   where everything goes (default: $SLUICE_QUICKSTART_DIR or ${TMPDIR:-/tmp}/sluice-quickstart)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/bin"
TOOL=quickstart.sh
DATA_DIR="${SLUICE_QUICKSTART_DIR:-${TMPDIR:-/tmp}/sluice-quickstart}"
TOPIC=quickstart-events
BROKER_IDS=(1 2 3)
CHROOT=/sluice
ACTION=start

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    start|stop|status) ACTION="$1"; shift ;;
    --data-dir) [[ $# -ge 2 && -n "$2" ]] || { echo "$TOOL: --data-dir needs a value (try --help)" >&2; exit 2; }; DATA_DIR="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$TOOL: unknown command or option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$DATA_DIR" 2>/dev/null || { echo "$TOOL: cannot create the data folder $DATA_DIR" >&2; exit 1; }
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PIDS="$DATA_DIR/pids"
LOGS="$DATA_DIR/logs"
ENV_FILE="$DATA_DIR/cluster.env"

pid_of() { local f="$PIDS/$1.pid"; [[ -f "$f" ]] && tr -dc '0-9' <"$f" || true; }
is_running() { local pid; pid="$(pid_of "$1")"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
processes() { echo zookeeper; for id in "${BROKER_IDS[@]}"; do echo "broker-$id"; done; }
load_env() { [[ -f "$ENV_FILE" ]] && source "$ENV_FILE" || true; }
bootstrap() { local s="" id; for id in "${BROKER_IDS[@]}"; do local v="BROKER_PORT_$id"; s+="${s:+,}127.0.0.1:${!v}"; done; echo "$s"; }

# A port nothing listens on and that this run has not handed out yet.
CHOSEN=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    if [[ "$CHOSEN" != *" $port "* ]] && ! accepts "$port"; then CHOSEN+="$port "; echo "$port"; return 0; fi
  done
  echo "$TOOL: found no free port" >&2; return 1
}

status() {
  load_env
  local running=0 total=0 name pid
  for name in $(processes); do
    total=$((total + 1))
    pid="$(pid_of "$name")"
    if is_running "$name"; then
      running=$((running + 1))
      local port=""
      if [[ "$name" == zookeeper ]]; then port="${ZK_PORT:-?}"; else local v="BROKER_PORT_${name#broker-}"; port="${!v:-?}"; fi
      echo "$name: running (pid $pid, port $port)"
    else
      echo "$name: not running"
    fi
  done
  if (( running == total )); then
    echo "Sluice quickstart runs in $DATA_DIR: bootstrap server $(bootstrap), ZooKeeper 127.0.0.1:$ZK_PORT$CHROOT"
    return 0
  elif (( running == 0 )); then
    echo "Sluice quickstart is not running ($DATA_DIR)"
    return 1
  fi
  echo "Sluice quickstart runs only in part ($running of $total processes, $DATA_DIR); 'bin/quickstart.sh stop' stops what runs"
  return 3
}

stop() {
  local any=0 name
  local waits=()
  for id in "${BROKER_IDS[@]}"; do
    if [[ -f "$PIDS/broker-$id.pid" ]]; then
      any=1
      "$BIN/stop-broker.sh" --pid-file "$PIDS/broker-$id.pid" --timeout-s 60 --force &
      waits+=($!)
    fi
  done
  local failed=0
  for w in "${waits[@]+"${waits[@]}"}"; do wait "$w" || failed=1; done
  if [[ -f "$PIDS/zookeeper.pid" ]]; then
    any=1
    "$BIN/stop-zookeeper.sh" --pid-file "$PIDS/zookeeper.pid" --timeout-s 30 --force || failed=1
  fi
  if [[ "$any" == 0 ]]; then
    echo "Sluice quickstart is not running ($DATA_DIR)"
  elif [[ "$failed" == 0 ]]; then
    echo "Sluice quickstart stopped; its data stays in $DATA_DIR"
  fi
  return "$failed"
}

fail_start() {
  echo "$TOOL: $1" >&2
  echo "Stopping what was started ..." >&2
  stop >&2 || true
  exit 1
}

start() {
  local name
  for name in $(processes); do
    if is_running "$name"; then
      echo "Sluice quickstart is already running in $DATA_DIR:"
      status || true
      echo "Stop it with: bin/quickstart.sh stop${DATA_DIR:+ --data-dir $DATA_DIR}"
      return 0
    fi
  done
  local built=1
  for module in core admin-cli; do
    [[ -f "$ROOT/$module/target/classpath.txt" ]] || built=0
    ls "$ROOT/$module"/target/sluice-*.jar >/dev/null 2>&1 || built=0
  done
  if [[ "$built" == 0 ]]; then
    echo "Building Sluice (mvn -q -DskipTests package) ..."
    (cd "$ROOT" && mvn -q -DskipTests package) || { echo "$TOOL: the build failed" >&2; exit 1; }
  fi

  mkdir -p "$PIDS" "$LOGS" "$DATA_DIR/zookeeper"
  ZK_PORT="$(free_port)"
  { echo "ZK_PORT=$ZK_PORT"; } >"$ENV_FILE"
  for id in "${BROKER_IDS[@]}"; do
    local port; port="$(free_port)"
    printf -v "BROKER_PORT_$id" '%s' "$port"
    echo "BROKER_PORT_$id=$port" >>"$ENV_FILE"
  done
  cat >"$DATA_DIR/zookeeper.properties" <<PROPS
dataDir=$DATA_DIR/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
tickTime=2000
4lw.commands.whitelist=ruok,stat,mntr,srvr,conf
PROPS

  echo "Starting ZooKeeper on 127.0.0.1:$ZK_PORT and brokers ${BROKER_IDS[*]} (data in $DATA_DIR) ..."
  SLUICE_LOGS_DIR="$LOGS/zookeeper" "$BIN/start-zookeeper.sh" -daemon --pid-file "$PIDS/zookeeper.pid" \
    --console-log "$LOGS/zookeeper.out" "$DATA_DIR/zookeeper.properties" >/dev/null
  for _ in $(seq 1 150); do accepts "$ZK_PORT" && break; is_running zookeeper || break; sleep 0.2; done
  accepts "$ZK_PORT" || fail_start "ZooKeeper did not start; see $LOGS/zookeeper.out"

  for id in "${BROKER_IDS[@]}"; do
    local v="BROKER_PORT_$id"
    SLUICE_LOGS_DIR="$LOGS/broker-$id" SLUICE_HEAP_OPTS="${SLUICE_HEAP_OPTS:--Xms128m -Xmx512m}" \
      "$BIN/start-broker.sh" -daemon --pid-file "$PIDS/broker-$id.pid" --console-log "$LOGS/broker-$id.out" \
      "$ROOT/config/server.properties" \
      --override "broker.id=$id" \
      --override "listeners=PLAINTEXT://127.0.0.1:${!v}" \
      --override "log.dirs=$DATA_DIR/broker-$id" \
      --override "zookeeper.connect=127.0.0.1:$ZK_PORT$CHROOT" \
      --override "default.replication.factor=3" \
      --override "min.insync.replicas=2" >/dev/null
  done
  for id in "${BROKER_IDS[@]}"; do
    local v="BROKER_PORT_$id"
    for _ in $(seq 1 450); do accepts "${!v}" && break; is_running "broker-$id" || break; sleep 0.2; done
    accepts "${!v}" || fail_start "broker $id did not start; last lines of $LOGS/broker-$id.out:
$(tail -n 5 "$LOGS/broker-$id.out" 2>/dev/null)"
  done

  "$BIN/sluice-run-class.sh" io.sluice.cli.quickstart.DemoTopicCommand --bootstrap-server "$(bootstrap)" \
    --topic "$TOPIC" --partitions 6 --replication-factor 3 --timeout-ms 90000 \
    || fail_start "could not create the topic $TOPIC"

  # Sample records through the client tools: produce, consume with a group, show the group's lag.
  local group=quickstart-demo
  echo
  echo "Producing 20 sample records to $TOPIC with console-producer.sh ..."
  for i in $(seq 1 20); do echo "sample-key-$i:sample record $i"; done \
    | SLUICE_LOGS_DIR="$LOGS" "$BIN/console-producer.sh" --bootstrap-server "$(bootstrap)" --topic "$TOPIC" \
        --property parse.key=true --property key.separator=: \
    || fail_start "could not produce the sample records"
  echo "Consuming them with console-consumer.sh --group $group --from-beginning --max-messages 20:"
  SLUICE_LOGS_DIR="$LOGS" "$BIN/console-consumer.sh" --bootstrap-server "$(bootstrap)" --topic "$TOPIC" \
    --group "$group" --from-beginning --max-messages 20 --timeout-ms 60000 --property print.key=true \
    --property print.partition=true \
    || fail_start "could not consume the sample records"
  echo
  echo "The group's lag (consumer-groups.sh --describe --group $group):"
  SLUICE_LOGS_DIR="$LOGS" "$BIN/consumer-groups.sh" --bootstrap-server "$(bootstrap)" --describe --group "$group" \
    || fail_start "could not describe the group $group"

  echo
  "$BIN/cluster-status.sh" --zookeeper "127.0.0.1:$ZK_PORT$CHROOT" || true
  echo
  echo "Sluice is running: bootstrap server $(bootstrap); try: bin/cluster-status.sh --zookeeper 127.0.0.1:$ZK_PORT$CHROOT   (or any Kafka client, e.g. kafka-console-consumer.sh --bootstrap-server $(bootstrap) --topic $TOPIC --from-beginning)"
  echo "Stop it with: bin/quickstart.sh stop --data-dir $DATA_DIR   (data and logs stay in $DATA_DIR)"
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  status) status ;;
esac
