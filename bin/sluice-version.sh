#!/usr/bin/env bash
# Prints the Sluice version; --apis also lists the Kafka APIs and versions it implements.
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.VersionCommand "$@"
