package io.sluice.core.log;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.record.RecordBatch;
import io.sluice.record.TimestampType;
import java.nio.ByteBuffer;

/**
 * The leader's record-level checks for an uncompressed batch, done by walking the record framing in place,
 * without creating record objects (the produce hot path). It enforces the same framing rules as
 * {@link io.sluice.record.RecordIterator}: each record is {@code varint length} then, within exactly that many
 * bytes, {@code int8 attributes, varlong timestampDelta, varint offsetDelta, varint keyLength (-1 = null) + key,
 * varint valueLength (-1 = null) + value, varint headerCount (>= 0), headers (varint keyLength >= 0 + key,
 * varint valueLength >= -1 + value)}; zig-zag varints of at most 5 (int) or 10 (long) bytes; exactly
 * {@code recordsCount} records fill the payload; offset deltas increase strictly within
 * {@code [0, lastOffsetDelta]}. On top of that it applies {@link LogValidator}'s rules (keys for compacted
 * topics, timestamp bounds, contiguous offsets from clients) and returns the largest record timestamp.
 *
 * <p>Not thread-safe: one instance per batch check (it is a cursor).
 */
final class UncompressedRecordsCheck {
    private final ByteBuffer payload;
    private final RecordBatch batch;
    private int position;

    private UncompressedRecordsCheck(RecordBatch batch) {
        this.payload = batch.payload();
        this.batch = batch;
    }

    /**
     * @return the largest record timestamp (the batch's LogAppendTime for such batches)
     * @throws ApiException INVALID_RECORD or INVALID_TIMESTAMP
     */
    static long check(RecordBatch batch, boolean needKeys, boolean checkTimestamps, boolean contiguous,
                      long nowMs, LogConfig config) {
        return new UncompressedRecordsCheck(batch).run(batch, needKeys, checkTimestamps, contiguous, nowMs, config);
    }

    private long run(RecordBatch batch, boolean needKeys, boolean checkTimestamps, boolean contiguous, long nowMs,
                     LogConfig config) {
        int count = batch.recordCount();
        int lastOffsetDelta = batch.lastOffsetDelta();
        if (count < 0 || count > 0 && lastOffsetDelta < count - 1) {
            throw invalid("has " + count + " records but lastOffsetDelta " + lastOffsetDelta);
        }
        long baseTimestamp = batch.baseTimestamp();
        boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int previousDelta = -1;
        int limit = payload.limit();
        for (int i = 0; i < count; i++) {
            if (position >= limit) {
                throw invalid("record " + i + ": payload ended before this record");
            }
            int length = readVarint("record length");
            if (length <= 0 || length > limit - position) {
                throw invalid("record " + i + ": record length " + length + " with " + (limit - position)
                    + " bytes left");
            }
            int end = position + length;
            position++; // attributes
            long timestampDelta = readVarlong("timestampDelta", end);
            int offsetDelta = readVarint("offsetDelta", end);
            int keyLength = skipBytes("key", end, -1);
            skipBytes("value", end, -1);
            int headers = readVarint("headersCount", end);
            if (headers < 0 || headers > (end - position) / 2) {
                throw invalid("record " + i + ": invalid headersCount " + headers);
            }
            for (int h = 0; h < headers; h++) {
                skipBytes("header key", end, 0);
                skipBytes("header value", end, -1);
            }
            if (position != end) {
                throw invalid("record " + i + " declares " + length + " bytes but its fields take "
                    + (position - (end - length)));
            }
            if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
                throw invalid("record " + i + ": offsetDelta " + offsetDelta + " is not in (" + previousDelta + ", "
                    + lastOffsetDelta + "]");
            }
            if (contiguous && offsetDelta != i) {
                throw invalid("record " + i + " has offset delta " + offsetDelta + "; a producer's batch must use 0.."
                    + (count - 1));
            }
            previousDelta = offsetDelta;
            if (needKeys && keyLength < 0) {
                throw new ApiException(Errors.INVALID_RECORD, "Compacted topic cannot accept a record without a key "
                    + "(record " + i + " of the batch)");
            }
            long timestamp = logAppendTime ? batch.maxTimestamp() : baseTimestamp + timestampDelta;
            if (checkTimestamps) {
                LogValidator.checkTimestamp(timestamp, nowMs, config, i);
            }
            maxTimestamp = Math.max(maxTimestamp, timestamp);
        }
        if (position != limit) {
            throw invalid("payload has " + (limit - position) + " bytes after the last of " + count + " records");
        }
        return maxTimestamp;
    }

    /** Skips a length-prefixed field; returns its length (-1 for null). */
    private int skipBytes(String field, int end, int minLength) {
        int length = readVarint(field + " length", end);
        if (length < minLength || length > end - position) {
            throw invalid("invalid " + field + " length " + length + " with " + (end - position) + " bytes left");
        }
        if (length > 0) {
            position += length;
        }
        return length;
    }

    private int readVarint(String field) {
        return readVarint(field, payload.limit());
    }

    private int readVarint(String field, int end) {
        int raw = 0;
        for (int i = 0; i < 5; i++) {
            if (position >= end) {
                throw invalid("truncated varint for " + field);
            }
            int b = payload.get(position++) & 0xff;
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw invalid("varint for " + field + " is longer than 5 bytes");
    }

    private long readVarlong(String field, int end) {
        long raw = 0;
        for (int i = 0; i < 10; i++) {
            if (position >= end) {
                throw invalid("truncated varlong for " + field);
            }
            long b = payload.get(position++) & 0xff;
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw invalid("varlong for " + field + " is longer than 10 bytes");
    }

    private ApiException invalid(String what) {
        return new ApiException(Errors.INVALID_RECORD, "Record batch at base offset " + batch.baseOffset() + ": "
            + what);
    }
}
