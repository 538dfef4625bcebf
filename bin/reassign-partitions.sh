#!/usr/bin/env bash
# Moves partition replicas between brokers (Kafka's reassignment JSON files).
# Usage: bin/reassign-partitions.sh --zookeeper HOST:PORT[/CHROOT] ...   (--help lists the options)
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.zk.ReassignPartitionsCommand "$@"
