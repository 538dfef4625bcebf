/**
 * {@link io.sluice.client.consumer.SluiceConsumer}: partition assignment by hand or by a consumer group over the
 * classic protocol (with the range, round-robin, sticky and cooperative-sticky assignors, byte-compatible with
 * kafka-clients members of the same group), fetching, offsets and lag metrics.
 */
package io.sluice.client.consumer;
