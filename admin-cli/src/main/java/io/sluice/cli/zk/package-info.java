/**
 * The operations tools that work against the ZooKeeper ensemble ({@code --zookeeper host:port[,...][/chroot]}):
 * {@code cluster-status.sh}, {@code preferred-leader-election.sh}, {@code reassign-partitions.sh} and
 * {@code zookeeper-shell.sh}. They read and write the Kafka-style znode layout through the coordinator module
 * ({@link io.sluice.coordinator.metadata.ZkMetadataStore}, {@link io.sluice.coordinator.metadata.MetadataWatcher},
 * {@link io.sluice.coordinator.zk.ZkPaths}); leader and ISR decisions stay with the controller: the tools only
 * submit requests it carries out (election request znodes, reassignment targets in the topic znodes).
 *
 * <p>Allowed imports: {@code io.sluice.cli.common}, {@code io.sluice.coordinator.*}, {@code io.sluice.common},
 * Curator, ZooKeeper, Jackson, picocli.
 */
package io.sluice.cli.zk;
