/**
 * Idempotent-producer state of one partition: per producer id the epoch and the last
 * {@value io.sluice.core.producerstate.ProducerState#MAX_CACHED_BATCHES} appended batches, the sequence checks a
 * leader runs on an incoming batch (accept, duplicate of an earlier append, out of order, fenced epoch), and the
 * {@code <offset>.snapshot} files that let a restart or a truncation rebuild that state without replaying the
 * whole log.
 *
 * <ul>
 *   <li>{@link io.sluice.core.producerstate.ProducerStateManager}: the mutable state of one partition; the entry
 *       point for the log.</li>
 *   <li>{@link io.sluice.core.producerstate.SequenceCheck}, {@link io.sluice.core.producerstate.ProducerState},
 *       {@link io.sluice.core.producerstate.BatchMetadata}: immutable values.</li>
 *   <li>{@code SequenceValidator} (the rules, pure), {@code SnapshotCodec} (owns the snapshot file format),
 *       {@code SnapshotDirectory} (snapshot file names, atomic writes, deletion).</li>
 * </ul>
 *
 * <p>Allowed imports: the JDK, Log4j2 and {@code io.sluice.{common,record}}; nothing else of {@code core}. The
 * log ({@code io.sluice.core.log}) owns an instance per partition and calls it under its append lock.
 */
package io.sluice.core.producerstate;
