/**
 * The broker's storage engine: partition logs on disk.
 *
 * <ul>
 *   <li>{@link io.sluice.core.log.LogManager}: every partition log of the broker across the {@code log.dirs}, dir
 *       locks, the per-dir checkpoint files and clean-shutdown marker, the retention/flush/checkpoint tasks, and
 *       the {@link io.sluice.core.log.LogCleaner}.</li>
 *   <li>{@link io.sluice.core.log.PartitionLog}: one partition's log: leader and follower appends (validation in
 *       {@code LogValidator}), reads as zero-copy {@link io.sluice.core.log.FileRecordsSlice}s, lookups by
 *       timestamp, roll, truncation, retention, DeleteRecords, flush and the recovery point, the
 *       {@link io.sluice.core.log.LeaderEpochCache}, and the producer state (package
 *       {@code io.sluice.core.producerstate}). Loading and crash recovery: {@code LogLoader}.</li>
 *   <li>{@link io.sluice.core.log.LogSegment}: {@code <20-digit base offset>.log}, with its sparse
 *       {@code OffsetIndex} ({@code .index}) and {@code TimeIndex} ({@code .timeindex}), both memory-mapped. The
 *       class of each file documents its format; {@code LogFileNames} lists every file name and suffix.</li>
 *   <li>Compaction: {@link io.sluice.core.log.LogCleaner} (thread, choice of log, checkpoint), {@code Compactor}
 *       (one pass), {@code KeyOffsetMap}, {@code BatchRewriter}.</li>
 *   <li>Values: {@link io.sluice.core.log.LogAppendInfo}, {@link io.sluice.core.log.FetchDataInfo},
 *       {@link io.sluice.core.log.LogOffsetMetadata}, {@link io.sluice.core.log.TimestampAndOffset},
 *       {@link io.sluice.core.log.LogConfig}.</li>
 * </ul>
 *
 * <h2>Durability model</h2>
 * As in Kafka, durability comes from replication: appends reach the page cache and are fsynced only by the flush
 * policy ({@code flush.messages}, {@code flush.ms}, default never) and at each segment roll. After a crash,
 * everything after the recovery point is revalidated batch by batch (CRC included) and the log is cut at the first
 * torn or corrupt byte; indexes are caches of the log and are rebuilt whenever they are missing or in doubt.
 *
 * <h2>Threads</h2>
 * Each log serializes its changes under one append lock; reads take no lock (see {@link
 * io.sluice.core.log.PartitionLog}). Background work runs on the injected {@link io.sluice.common.Scheduler};
 * compaction on the cleaner's thread. Time comes only from {@link io.sluice.common.Time}.
 *
 * <p>Allowed imports: {@code io.sluice.{common,protocol,record}}, {@code io.sluice.core.producerstate}, Log4j2 and
 * the JDK; nothing else of {@code core}.
 */
package io.sluice.core.log;
