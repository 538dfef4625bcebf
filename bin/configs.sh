#!/usr/bin/env bash
# Describes and alters topic and broker configs (flags as kafka-configs.sh).
# Usage: bin/configs.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.tools.ConfigsTool "$@"
