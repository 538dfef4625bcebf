#!/usr/bin/env bash
# Consumer-lag monitor with Burrow's rules, Burrow's v3 HTTP API, /metrics and a web page. Runs until Ctrl-C.
# Usage: bin/lag-monitor.sh CONFIG
#        bin/lag-monitor.sh --bootstrap-server B [--cluster-name local] --http-port P
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.lag.LagMonitorMain "$@"
