/**
 * Connections to Kafka-protocol brokers. {@link io.sluice.client.network.KafkaConnection} is a blocking,
 * one-request-at-a-time connection for a dedicated thread (follower fetchers, tools, tests). Uses only the JDK and
 * {@code io.sluice.protocol}.
 */
package io.sluice.client.network;
