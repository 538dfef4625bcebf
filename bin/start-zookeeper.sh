#!/usr/bin/env bash
# Starts a real ZooKeeper server (from the zookeeper jar Sluice is built with) in the foreground.
# Usage: bin/start-zookeeper.sh CONFIG      e.g. bin/start-zookeeper.sh config/zookeeper.properties
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -ne 1 || "$1" == "--help" || "$1" == "-h" ]]; then
  echo "Usage: start-zookeeper.sh CONFIG   (a zoo.cfg-style properties file, e.g. config/zookeeper.properties)" >&2
  [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && exit 0 || exit 2
fi
if [[ ! -r "$1" ]]; then
  echo "start-zookeeper.sh: cannot read config file '$1'" >&2
  exit 1
fi
CONFIG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export SLUICE_HEAP_OPTS="${SLUICE_HEAP_OPTS:--Xms128m -Xmx512m}"
exec "$HERE/sluice-run-class.sh" --module core -Dzookeeper.admin.enableServer=false \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$CONFIG"
