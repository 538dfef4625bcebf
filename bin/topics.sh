#!/usr/bin/env bash
# Lists, describes, creates, alters and deletes topics (flags as kafka-topics.sh).
# Usage: bin/topics.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.TopicsTool "$@"
