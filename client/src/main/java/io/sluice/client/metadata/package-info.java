/** The client-side cache of cluster metadata (brokers, controller, topic partitions and leaders). */
package io.sluice.client.metadata;
