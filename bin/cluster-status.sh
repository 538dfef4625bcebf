#!/usr/bin/env bash
# Prints the brokers, the controller and every partition's leader, replicas and ISR, read from ZooKeeper; exits 3 when a partition is offline.
# Usage: bin/cluster-status.sh --zookeeper HOST:PORT[/CHROOT] ...   (--help lists the options)
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.zk.ClusterStatusCommand "$@"
