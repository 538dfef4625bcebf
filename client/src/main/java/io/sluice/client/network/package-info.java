/**
 * Connections to Kafka-protocol brokers. {@link io.sluice.client.network.NetworkClient} is the asynchronous,
 * Netty-based connection pool of Sluice's producer and admin client (one connection per node, ApiVersions
 * negotiation, in-flight limit, request timeouts, reconnect backoff with jitter, CompletableFuture results).
 * {@link io.sluice.client.network.KafkaConnection} is a blocking, one-request-at-a-time connection for a
 * dedicated thread (follower fetchers, tools, tests).
 */
package io.sluice.client.network;
