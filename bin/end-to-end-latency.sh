#!/usr/bin/env bash
# Measures send-to-consume latency one record at a time (arguments as Kafka's kafka-e2e-latency.sh / EndToEndLatency).
# Usage: bin/end-to-end-latency.sh BROKER_LIST TOPIC NUM_MESSAGES PRODUCER_ACKS MESSAGE_SIZE_BYTES [PROPERTIES_FILE]
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.EndToEndLatencyTool "$@"
