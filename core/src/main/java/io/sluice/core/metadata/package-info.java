/**
 * The broker's view of cluster metadata and the topic administration any broker may perform.
 *
 * <ul>
 *   <li>{@link io.sluice.core.metadata.MetadataWaiter}: futures that complete when the
 *       {@link io.sluice.coordinator.metadata.ClusterImage} satisfies a condition, or time out; no thread per
 *       wait.</li>
 *   <li>{@link io.sluice.core.metadata.TopicAdmin}: create (and auto-create), delete, grow topics and change
 *       their configs by writing ZooKeeper directly; waits for the controller's leaders through the waiter.</li>
 *   <li>{@link io.sluice.core.metadata.TopicNames}, {@link io.sluice.core.metadata.ConfigDescriber}: pure rules
 *       (topic names; config values, sources and synonyms).</li>
 * </ul>
 *
 * <p>No protocol message types here: the handlers in {@code io.sluice.core.handler} translate requests into
 * these calls and their outcomes (values, or {@link io.sluice.common.ApiException}s carrying a Kafka error and a
 * message) into responses.
 *
 * <p>Allowed imports: {@code io.sluice.common}, {@code io.sluice.coordinator}, and from core only
 * {@code io.sluice.core.log.LogConfig} and {@code io.sluice.core.server.BrokerConfig} (configuration values).
 */
package io.sluice.core.metadata;
