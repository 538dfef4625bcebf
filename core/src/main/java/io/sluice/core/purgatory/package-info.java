/**
 * Delayed operations (long-poll fetch, acks=all produce, join-group waits) completed by events or timeouts
 * without parking threads. Knows nothing else of the broker.
 */
package io.sluice.core.purgatory;
