/**
 * Broker metrics in the Prometheus format on {@code metrics.port}: what Kafka's JMX metrics report (bytes and
 * messages per topic, request latency per API, purgatory sizes, under-replicated and offline partitions, ISR
 * changes, the active controller, ZooKeeper session health, per-partition log size and end offset, groups), named
 * as the JMX exporter names Kafka's MBeans so that existing dashboards work.
 */
package io.sluice.core.metrics;
