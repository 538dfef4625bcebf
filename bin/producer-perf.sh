#!/usr/bin/env bash
# Measures producer throughput and latency (flags and output as kafka-producer-perf-test.sh).
# Usage: bin/producer-perf.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ProducerPerfTool "$@"
