#!/usr/bin/env bash
# Stops a ZooKeeper started with 'bin/start-zookeeper.sh -daemon', by its pid file: SIGTERM, then waits.
# Usage: bin/stop-zookeeper.sh --pid-file FILE [--timeout-s SECONDS] [--force]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/sluice-daemon-lib.sh"
sluice_daemon_stop stop-zookeeper.sh ZooKeeper org.apache.zookeeper.server.quorum.QuorumPeerMain "$@"
