#!/usr/bin/env bash
# Prints the records of a topic, one per line (flags as kafka-console-consumer.sh).
# Usage: bin/console-consumer.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ConsoleConsumerTool "$@"
