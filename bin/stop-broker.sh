#!/usr/bin/env bash
# Stops a broker started with 'bin/start-broker.sh -daemon', by its pid file: SIGTERM (a clean shutdown), then waits.
# Usage: bin/stop-broker.sh --pid-file FILE [--timeout-s SECONDS] [--force]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/sluice-daemon-lib.sh"
sluice_daemon_stop stop-broker.sh broker io.sluice.core.server.BrokerMain "$@"
