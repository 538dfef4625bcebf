#!/usr/bin/env bash
# Starts a Sluice broker in the foreground. SIGTERM shuts it down cleanly.
# Usage: bin/start-broker.sh CONFIG [--override key=value]...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SLUICE_HEAP_OPTS="${SLUICE_HEAP_OPTS:--Xms256m -Xmx1g}"
export SLUICE_OPTS="${SLUICE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true}"
exec "$HERE/sluice-run-class.sh" --module core io.sluice.core.server.BrokerMain "$@"
