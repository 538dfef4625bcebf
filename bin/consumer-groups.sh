#!/usr/bin/env bash
# Lists, describes, resets and deletes consumer groups (flags as kafka-consumer-groups.sh).
# Usage: bin/consumer-groups.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ConsumerGroupsTool "$@"
