#!/usr/bin/env bash
# Creates a topic (flags as kafka-topics.sh --create).
# Usage: bin/create-topic.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.CreateTopicTool "$@"
