/**
 * The controller: one broker at a time, chosen by a Curator LeaderLatch, makes every leader and ISR decision
 * and deletes topics.
 *
 * <ul>
 *   <li>{@link io.sluice.coordinator.controller.ControllerElection}: the latch, the claim of a new controller
 *       epoch (one transaction with {@code /controller}), activation and resignation.</li>
 *   <li>{@link io.sluice.coordinator.controller.ControllerEpochStore}: reads and bumps {@code /controller_epoch}.</li>
 *   <li>{@link io.sluice.coordinator.controller.FencedZkWriter}: the only way the controller writes; every
 *       transaction starts with a version check of {@code /controller_epoch}.</li>
 *   <li>{@link io.sluice.coordinator.controller.ActiveController}: a single-threaded event loop that reconciles
 *       ZooKeeper with the metadata image (partition state for new partitions, leader failover, controlled
 *       shutdown, reassignments, requested and periodic leader elections, deletions).</li>
 *   <li>Pure decisions, unit-tested without ZooKeeper: {@link io.sluice.coordinator.controller.LeaderElection}
 *       (failover, controlled shutdown, preferred and unclean elections),
 *       {@link io.sluice.coordinator.controller.ReassignmentProgress},
 *       {@link io.sluice.coordinator.controller.LeaderImbalance},
 *       {@link io.sluice.coordinator.controller.ReplicaPlacement} and the
 *       {@link io.sluice.coordinator.controller.TopicDeletionHook}s.</li>
 *   <li>{@link io.sluice.coordinator.controller.ControllerSettings}: the broker keys the controller honours.</li>
 * </ul>
 *
 * <p>Why a LeaderLatch and an epoch: the latch alone is not a fencing token (a controller whose session expired
 * may still be acting when the next one starts). The epoch znode's data version is: a write of a deposed
 * controller fails its check and raises {@link io.sluice.coordinator.controller.ControllerMovedException}.
 *
 * <p>Allowed imports: {@code io.sluice.coordinator.zk}, {@code io.sluice.coordinator.metadata},
 * {@code io.sluice.common}, Curator, ZooKeeper, Log4j2. Not {@code registration}; never {@code core}.
 */
package io.sluice.coordinator.controller;
