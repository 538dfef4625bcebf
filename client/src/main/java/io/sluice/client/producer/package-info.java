/**
 * {@link io.sluice.client.producer.SluiceProducer}, records, partitioners (the default one hashes keys with
 * the same murmur2 as Kafka's client, so a key lands on the same partition with either client).
 */
package io.sluice.client.producer;
