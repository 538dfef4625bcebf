/**
 * The Kafka record format, v2 (magic 2) only: record batches in memory and the codecs inside them.
 *
 * <ul>
 *   <li>{@link io.sluice.record.RecordBatch}: a zero-copy view over one batch; owns the batch layout, checks
 *       size, magic and CRC-32C, and carries the in-place mutators the leader needs.</li>
 *   <li>{@link io.sluice.record.RecordIterator} / {@link io.sluice.record.Record} / {@link io.sluice.record.Header}:
 *       the records of a batch, decompressed and framing-checked; {@code RecordCodec} owns the record layout.</li>
 *   <li>{@link io.sluice.record.MemoryRecords}: a RECORDS field's bytes (batches back to back) and the walk over
 *       them; {@link io.sluice.record.RecordBatchBuilder} writes a batch.</li>
 *   <li>{@link io.sluice.record.CompressionType}: gzip (JDK), snappy (xerial framing written, xerial or raw
 *       read), lz4 (LZ4 frame), zstd.</li>
 *   <li>Control batches: {@link io.sluice.record.ControlRecordType},
 *       {@link io.sluice.record.EndTransactionMarker}.</li>
 * </ul>
 *
 * <p>Errors: every malformed input surfaces as a {@link io.sluice.record.RecordFormatException}, never as a
 * buffer or codec-library exception: {@link io.sluice.record.CorruptRecordException} when bytes were damaged
 * (CRC, sizes; protocol error CORRUPT_MESSAGE) and {@link io.sluice.record.InvalidRecordException} when intact
 * bytes break the format (protocol error INVALID_RECORD).
 *
 * <p>Dependencies: the JDK and the three codec libraries (snappy-java, lz4-java, zstd-jni), nothing else of
 * Sluice. No logging, no threads.
 */
package io.sluice.record;
