package io.sluice.core.log;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders and readers shared by the log tests. */
final class LogTestSupport {
    static final long T0 = 1_700_000_000_000L;

    private LogTestSupport() {
    }

    static LogConfig config(Map<String, ?> overrides) {
        return LogConfig.of(Map.of(), overrides);
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(java.nio.ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** One batch of unkeyed values, all at {@code timestamp}. */
    static MemoryRecords values(long timestamp, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (String value : values) {
            builder.append(timestamp, null, utf8(value));
        }
        return builder.build();
    }

    /** One batch of key/value pairs ({@code kv} alternates key, value; a null value is a tombstone). */
    static MemoryRecords keyed(long timestamp, String... kv) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            builder.append(timestamp, utf8(kv[i]), utf8(kv[i + 1]));
        }
        return builder.build();
    }

    /** A batch of one record with a payload of about {@code bytes} bytes. */
    static MemoryRecords sized(long timestamp, int bytes) {
        RecordBatchBuilder builder = new RecordBatchBuilder();
        builder.append(timestamp, null, new byte[bytes]);
        return builder.build();
    }

    static MockTime time() {
        return new MockTime(T0);
    }

    static PartitionLog open(Path dir, LogConfig config, MockTime time, MockScheduler scheduler) throws IOException {
        return PartitionLog.open(dir, config, 0, 0, true, env(time, scheduler));
    }

    static PartitionLog reopen(Path dir, LogConfig config, MockTime time, MockScheduler scheduler, long recoveryPoint,
                               long logStart, boolean clean) throws IOException {
        return PartitionLog.open(dir, config, recoveryPoint, logStart, clean, env(time, scheduler));
    }

    static PartitionLog.Environment env(MockTime time, MockScheduler scheduler) {
        return new PartitionLog.Environment(time, scheduler, 86_400_000L, LogDirFailureHandler.IGNORE);
    }

    /** Every batch from the log start to the log end, copied out of the log (not validated). */
    static List<RecordBatch> readAllBatches(PartitionLog log) {
        List<RecordBatch> batches = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            FetchDataInfo read = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
            if (read.isEmpty()) {
                break;
            }
            long next = offset;
            for (RecordBatch batch : read.records().toMemoryRecords().batches()) {
                batches.add(batch);
                next = batch.nextOffset();
            }
            if (next <= offset) {
                throw new AssertionError("Read at " + offset + " made no progress");
            }
            offset = next;
        }
        return batches;
    }

    static List<Record> readAllRecords(PartitionLog log) {
        List<Record> records = new ArrayList<>();
        for (RecordBatch batch : readAllBatches(log)) {
            batch.ensureValid();
            for (Record record : batch.records()) {
                if (record.offset() >= log.logStartOffset()) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    static List<String> values(List<Record> records) {
        List<String> values = new ArrayList<>();
        for (Record record : records) {
            values.add(string(record.value()));
        }
        return values;
    }
}
