/**
 * Connections to Kafka-protocol brokers. {@link io.sluice.client.network.NetworkClient} is the asynchronous,
 * Netty-based connection pool of Sluice's producer, consumer and admin client and of the broker's follower
 * fetchers (one connection per node, ApiVersions negotiation, in-flight limit, request timeouts, reconnect
 * backoff with jitter, CompletableFuture results). A dedicated thread may wait on a result's future; an event
 * loop must not.
 */
package io.sluice.client.network;
