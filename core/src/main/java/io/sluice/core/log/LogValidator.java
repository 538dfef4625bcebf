package io.sluice.core.log;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.record.CompressionType;
import io.sluice.record.CorruptRecordException;
import io.sluice.record.InvalidRecordException;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordFormatException;
import io.sluice.record.RecordIterator;
import io.sluice.record.TimestampType;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks a leader runs on incoming batches before it assigns offsets, and the checks a follower runs on
 * replicated batches. Each failure is an {@link ApiException} carrying the code the Produce handler returns:
 * <ol>
 *   <li>a partial trailing batch or a length field smaller than a header: CORRUPT_MESSAGE;</li>
 *   <li>a batch larger than {@code max.message.bytes}: MESSAGE_TOO_LARGE; all batches together larger than
 *       {@code segment.bytes}: RECORD_LIST_TOO_LARGE;</li>
 *   <li>a CRC mismatch: CORRUPT_MESSAGE; magic other than 2, an unknown codec, malformed records, a record count
 *       or offset deltas that do not match the header: INVALID_RECORD;</li>
 *   <li>from a client: more than one batch, a control batch, an empty batch, or offsets that are not
 *       {@code 0..count-1}: INVALID_RECORD;</li>
 *   <li>a record without a key on a compacted topic: INVALID_RECORD;</li>
 *   <li>with {@code message.timestamp.type=CreateTime}, a record timestamp outside
 *       {@code [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]} or below -1:
 *       INVALID_TIMESTAMP; a batch whose maxTimestamp is below one of its records' timestamps: INVALID_RECORD
 *       (the time index relies on it).</li>
 * </ol>
 * Stateless; the caller owns the records.
 */
final class LogValidator {

    private LogValidator() {
    }

    /** Validates a leader append; returns the batches (views sharing the records' bytes), in order. */
    static List<RecordBatch> validateForLeader(MemoryRecords records, LogConfig config, AppendOrigin origin, long nowMs) {
        List<RecordBatch> batches = completeBatches(records);
        if (batches.isEmpty()) {
            throw new ApiException(Errors.INVALID_RECORD, "The append holds no record batch");
        }
        if (origin == AppendOrigin.CLIENT && batches.size() > 1) {
            throw new ApiException(Errors.INVALID_RECORD, "A produce request carries exactly one batch per partition; "
                + "this one has " + batches.size());
        }
        long total = 0;
        for (RecordBatch batch : batches) {
            if (batch.sizeInBytes() > config.maxMessageBytes()) {
                throw new ApiException(Errors.MESSAGE_TOO_LARGE, "Record batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes = " + config.maxMessageBytes());
            }
            total += batch.sizeInBytes();
        }
        if (total > config.segmentBytes()) {
            throw new ApiException(Errors.RECORD_LIST_TOO_LARGE, "Records of " + total
                + " bytes exceed segment.bytes = " + config.segmentBytes());
        }
        for (RecordBatch batch : batches) {
            validateBatch(batch, config, origin, nowMs);
        }
        return batches;
    }

    private static void validateBatch(RecordBatch batch, LogConfig config, AppendOrigin origin, long nowMs) {
        try {
            batch.ensureValid();
            batch.compressionType();
        } catch (CorruptRecordException e) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, e.getMessage(), e);
        } catch (RecordFormatException e) {
            throw new ApiException(Errors.INVALID_RECORD, e.getMessage(), e);
        }
        if (origin == AppendOrigin.CLIENT) {
            if (batch.isControlBatch()) {
                throw new ApiException(Errors.INVALID_RECORD, "Clients may not write control batches");
            }
            if (batch.recordCount() <= 0) {
                throw new ApiException(Errors.INVALID_RECORD, "Record batch has no records");
            }
            if (batch.lastOffsetDelta() != batch.recordCount() - 1) {
                throw new ApiException(Errors.INVALID_RECORD, "Record batch has " + batch.recordCount()
                    + " records but lastOffsetDelta " + batch.lastOffsetDelta());
            }
        }
        boolean checkTimestamps = !config.logAppendTime();
        boolean needKeys = config.compact() && !batch.isControlBatch();
        boolean createTime = batch.timestampType() == TimestampType.CREATE_TIME;
        boolean contiguous = origin == AppendOrigin.CLIENT;
        long maxRecordTimestamp;
        if (batch.compressionType() == CompressionType.NONE) {
            maxRecordTimestamp = UncompressedRecordsCheck.check(batch, needKeys, checkTimestamps, contiguous, nowMs,
                config);
        } else {
            maxRecordTimestamp = checkCompressed(batch, needKeys, checkTimestamps, contiguous, nowMs, config);
        }
        if (createTime && batch.maxTimestamp() < maxRecordTimestamp) {
            throw new ApiException(Errors.INVALID_RECORD, "Record batch maxTimestamp " + batch.maxTimestamp()
                + " is below its record timestamp " + maxRecordTimestamp);
        }
    }

    /** Record-level checks of a compressed batch, decompressing as it goes. @return the largest timestamp */
    private static long checkCompressed(RecordBatch batch, boolean needKeys, boolean checkTimestamps,
                                        boolean contiguous, long nowMs, LogConfig config) {
        long maxRecordTimestamp = RecordBatch.NO_TIMESTAMP;
        int index = 0;
        try (RecordIterator records = batch.recordIterator()) {
            while (records.hasNext()) {
                Record record = records.next();
                if (contiguous && record.offset() - batch.baseOffset() != index) {
                    throw new ApiException(Errors.INVALID_RECORD, "Record " + index + " has offset delta "
                        + (record.offset() - batch.baseOffset()) + "; a producer's batch must use 0.."
                        + (batch.recordCount() - 1));
                }
                if (needKeys && !record.hasKey()) {
                    throw new ApiException(Errors.INVALID_RECORD, "Compacted topic cannot accept a record without "
                        + "a key (record " + index + " of the batch)");
                }
                if (checkTimestamps) {
                    checkTimestamp(record.timestamp(), nowMs, config, index);
                }
                maxRecordTimestamp = Math.max(maxRecordTimestamp, record.timestamp());
                index++;
            }
        } catch (InvalidRecordException e) {
            throw new ApiException(Errors.INVALID_RECORD, e.getMessage(), e);
        } catch (RecordFormatException e) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, e.getMessage(), e);
        }
        return maxRecordTimestamp;
    }

    static void checkTimestamp(long timestamp, long nowMs, LogConfig config, int index) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return;
        }
        boolean invalid = timestamp < 0
            || timestamp < nowMs && beyond(nowMs, timestamp, config.messageTimestampBeforeMaxMs())
            || timestamp > nowMs && beyond(timestamp, nowMs, config.messageTimestampAfterMaxMs());
        if (invalid) {
            throw new ApiException(Errors.INVALID_TIMESTAMP, "Timestamp " + timestamp + " of record " + index
                + " is out of range: now " + nowMs + ", message.timestamp.before.max.ms "
                + config.messageTimestampBeforeMaxMs() + ", message.timestamp.after.max.ms "
                + config.messageTimestampAfterMaxMs());
        }
    }

    /** later - earlier > limit, without overflow (later >= earlier). */
    private static boolean beyond(long later, long earlier, long limit) {
        long diff = later - earlier;
        return diff < 0 /* overflowed: more than Long.MAX_VALUE apart */ ? limit != Long.MAX_VALUE : diff > limit;
    }

    /**
     * Applies the topic's {@code compression.type}: {@code producer} keeps the batches as sent; a codec name
     * ({@code uncompressed} = none) rewrites every batch that uses another codec, records and producer fields
     * unchanged (the CRC is recomputed).
     *
     * @return {@code records} itself if nothing changed, else new records holding the rewritten batches
     */
    static MemoryRecords maybeRecompress(MemoryRecords records, List<RecordBatch> batches, LogConfig config) {
        String wanted = config.compressionType();
        if (wanted.equals("producer")) {
            return records;
        }
        CompressionType codec = wanted.equals("uncompressed") ? CompressionType.NONE
            : CompressionType.forConfigName(wanted);
        boolean needed = false;
        for (RecordBatch batch : batches) {
            if (!batch.isControlBatch() && batch.compressionType() != codec) {
                needed = true;
            }
        }
        if (!needed) {
            return records;
        }
        List<MemoryRecords> rewritten = new ArrayList<>(batches.size());
        try {
            for (RecordBatch batch : batches) {
                rewritten.add(MemoryRecords.readableRecords(batch.isControlBatch() || batch.compressionType() == codec
                    ? batch.buffer() : BatchRewriter.recompress(batch, codec)));
            }
        } catch (RecordFormatException e) {
            throw new ApiException(Errors.INVALID_RECORD, e.getMessage(), e);
        }
        return MemoryRecords.concat(rewritten);
    }

    /** The batches of records that passed {@link #validateForLeader} (after {@link #maybeRecompress}). */
    static List<RecordBatch> batchesOf(MemoryRecords records) {
        List<RecordBatch> batches = new ArrayList<>(1);
        for (RecordBatch batch : records.batches()) {
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Writes offsets from {@code firstOffset} on and the leader epoch into the batches, and for LogAppendTime the
     * append time (which recomputes the CRC). @return the last offset assigned
     */
    static long assignOffsets(List<RecordBatch> batches, long firstOffset, int leaderEpoch, long logAppendTime) {
        long next = firstOffset;
        for (RecordBatch batch : batches) {
            batch.setBaseOffset(next);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            if (logAppendTime >= 0) {
                batch.setLogAppendTime(logAppendTime);
            }
            next = batch.nextOffset();
        }
        return next - 1;
    }

    /**
     * Validates replicated batches: the complete ones (a fetch response may end with a partial batch, which is
     * ignored) must pass the CRC check (CORRUPT_MESSAGE) and have magic 2 (INVALID_RECORD). Offsets are checked by
     * the log, against its end.
     */
    static List<RecordBatch> validateForFollower(MemoryRecords records) {
        List<RecordBatch> batches = new ArrayList<>();
        try {
            for (RecordBatch batch : records.batches()) {
                batch.ensureValid();
                if (batch.lastOffsetDelta() < 0) {
                    throw new CorruptRecordException("Record batch at base offset " + batch.baseOffset()
                        + " has a negative lastOffsetDelta " + batch.lastOffsetDelta());
                }
                batches.add(batch);
            }
        } catch (CorruptRecordException e) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, e.getMessage(), e);
        } catch (RecordFormatException e) {
            throw new ApiException(Errors.INVALID_RECORD, e.getMessage(), e);
        }
        return batches;
    }

    /** All batches, requiring that they end exactly at the end of the bytes. */
    private static List<RecordBatch> completeBatches(MemoryRecords records) {
        List<RecordBatch> batches = new ArrayList<>(1);
        int consumed = 0;
        try {
            for (RecordBatch batch : records.batches()) {
                batches.add(batch);
                consumed += batch.sizeInBytes();
            }
        } catch (CorruptRecordException e) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, e.getMessage(), e);
        } catch (RecordFormatException e) {
            throw new ApiException(Errors.INVALID_RECORD, e.getMessage(), e);
        }
        if (consumed != records.sizeInBytes()) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, "Records end inside a batch: " + (records.sizeInBytes()
                - consumed) + " bytes after the last complete batch");
        }
        return batches;
    }
}
