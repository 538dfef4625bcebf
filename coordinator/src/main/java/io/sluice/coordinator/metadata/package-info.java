/**
 * Cluster metadata as ZooKeeper holds it, and every broker's view of it.
 *
 * <ul>
 *   <li>Immutable values: {@link io.sluice.coordinator.metadata.BrokerInfo},
 *       {@link io.sluice.coordinator.metadata.TopicAssignment}, {@link io.sluice.coordinator.metadata.PartitionState},
 *       {@link io.sluice.coordinator.metadata.TopicImage} and the whole-cluster
 *       {@link io.sluice.coordinator.metadata.ClusterImage}.</li>
 *   <li>{@link io.sluice.coordinator.metadata.ZkJson}: the owner of the znode JSON formats (Kafka's shapes).</li>
 *   <li>{@link io.sluice.coordinator.metadata.MetadataWatcher}: keeps a {@code ClusterImage} current from
 *       CuratorCache watches and tells listeners on its own thread.</li>
 *   <li>{@link io.sluice.coordinator.metadata.ZkMetadataStore}: the writes any broker may make (cluster id,
 *       topic creation, partition increase, deletion markers, topic configs, producer-id blocks, starting and
 *       cancelling reassignments, leader-election requests) and a partition leader's compare-and-set of its
 *       partition state. Controller-only writes live in {@code io.sluice.coordinator.controller}, fenced by the
 *       controller epoch.</li>
 *   <li>{@link io.sluice.coordinator.metadata.Reassignments}: the pure rules for starting and cancelling a
 *       reassignment; {@link io.sluice.coordinator.metadata.LeaderElectionRequest},
 *       {@link io.sluice.coordinator.metadata.PartitionRef}, {@link io.sluice.coordinator.metadata.PartitionOutcome}:
 *       values of the admin requests the controller answers through ZooKeeper.</li>
 * </ul>
 *
 * <p>Allowed imports: {@code io.sluice.coordinator.zk}, {@code io.sluice.common}, Curator, ZooKeeper, Jackson,
 * Log4j2. Never {@code registration}, {@code controller} or anything in {@code core}.
 */
package io.sluice.coordinator.metadata;
