#!/usr/bin/env bash
# Sends the lines of stdin to a topic (flags as kafka-console-producer.sh).
# Usage: bin/console-producer.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ConsoleProducerTool "$@"
