#!/usr/bin/env bash
# Reads znodes: ls, get, stat.
# Usage: bin/zookeeper-shell.sh --zookeeper HOST:PORT[/CHROOT] ...   (--help lists the options)
exec "$(dirname "${BASH_SOURCE[0]}")/sluice-run-class.sh" io.sluice.cli.zk.ZooKeeperShellCommand "$@"
