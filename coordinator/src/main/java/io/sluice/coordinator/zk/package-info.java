/**
 * ZooKeeper plumbing shared by the rest of the coordinator: the one place every znode path is spelled
 * ({@link io.sluice.coordinator.zk.ZkPaths}), building and starting a Curator client from Kafka's
 * {@code zookeeper.*} settings, including chroot creation ({@link io.sluice.coordinator.zk.ZooKeeperClients}),
 * the coordinator's base exception and helpers for reading the outcome of a ZooKeeper multi-op.
 *
 * <p>Allowed imports: the JDK, Curator, ZooKeeper and Log4j2. Nothing else from {@code io.sluice}; every
 * other coordinator package may import this one.
 */
package io.sluice.coordinator.zk;
