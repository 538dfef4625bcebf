#!/usr/bin/env bash
# Measures consumer throughput (flags and CSV output as kafka-consumer-perf-test.sh).
# Usage: bin/consumer-perf.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ConsumerPerfTool "$@"
