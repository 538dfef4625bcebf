#!/usr/bin/env bash
# Asks the controller to move leadership back to the preferred replicas.
# Usage: bin/preferred-leader-election.sh --zookeeper HOST:PORT[/CHROOT] ...   (--help lists the options)
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.zk.PreferredLeaderElectionCommand "$@"
