/**
 * A broker's registration in ZooKeeper: the ephemeral {@code /brokers/ids/<id>} znode that says "this broker
 * is alive, reach it here", kept present across session loss, and the broker epoch (the znode's czxid) that
 * tells its incarnations apart; and the broker's own parts of cluster-wide operations:
 * {@link io.sluice.coordinator.registration.ControlledShutdown} (announce a shutdown and wait for the controller to
 * move leadership away) and {@link io.sluice.coordinator.registration.TopicDeletionAcks} (confirm deleted replicas;
 * clean up replicas of topics deleted while the broker was down).
 *
 * <p>Allowed imports: {@code io.sluice.coordinator.zk}, {@code io.sluice.coordinator.metadata} (for
 * {@code BrokerInfo}, the image and the JSON), {@code io.sluice.common}, Curator, ZooKeeper, Log4j2.
 */
package io.sluice.coordinator.registration;
