/**
 * A broker's registration in ZooKeeper: the ephemeral {@code /brokers/ids/<id>} znode that says "this broker
 * is alive, reach it here", kept present across session loss, and the broker epoch (the znode's czxid) that
 * tells its incarnations apart.
 *
 * <p>Allowed imports: {@code io.sluice.coordinator.zk}, {@code io.sluice.coordinator.metadata} (for
 * {@code BrokerInfo} and its JSON), Curator, ZooKeeper, Log4j2.
 */
package io.sluice.coordinator.registration;
