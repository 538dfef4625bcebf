package io.sluice.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Record inputs, a comparable flat form of read records, and hand-made batches for malformed-input tests. */
final class TestRecords {
    static final long T0 = 1_700_000_000_000L;

    private TestRecords() {
    }

    /** What a producer appends. Arrays are never mutated. */
    record Spec(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    }

    /** A record as read, by either implementation, in a form that compares by content. */
    record Flat(long offset, long timestamp, int sequence, String key, String value, List<String> headers) {
    }

    /** Batch header fields as read, by either implementation, plus the flat records. */
    record BatchView(long baseOffset, long lastOffset, int partitionLeaderEpoch, int codec, boolean logAppendTime,
                     boolean transactional, boolean control, long producerId, short producerEpoch,
                     int baseSequence, int lastSequence, long baseTimestamp, long maxTimestamp, int recordCount,
                     List<Flat> records) {
    }

    /**
     * Varied records: keys and null keys, values, null values and large compressible values, 0-3 headers with
     * non-ASCII keys and null values, timestamps moving both ways around T0.
     */
    static List<Spec> randomSpecs(Random random, int count) {
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long timestamp = T0 + random.nextInt(200_000) - 100_000;
            byte[] key = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(20));
            byte[] value;
            switch (random.nextInt(5)) {
                case 0 -> value = null;
                case 1 -> value = new byte[0];
                case 2 -> value = ("value-" + i + "-").repeat(1 + random.nextInt(300)).getBytes(StandardCharsets.UTF_8);
                default -> value = bytes(random, random.nextInt(400));
            }
            List<Header> headers = new ArrayList<>();
            int headerCount = random.nextInt(4);
            for (int h = 0; h < headerCount; h++) {
                String headerKey = h == 0 ? "h" : (h == 1 ? "ключ-" + i : "");
                headers.add(Header.of(headerKey, random.nextInt(3) == 0 ? null : bytes(random, random.nextInt(10))));
            }
            specs.add(new Spec(timestamp, key, value, headers));
        }
        return specs;
    }

    static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static String hex(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    static Flat flat(Record record) {
        List<String> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + hex(header.value()));
        }
        return new Flat(record.offset(), record.timestamp(), record.sequence(), hex(record.key()),
            hex(record.value()), headers);
    }

    static Flat flat(Spec spec, long offset, long timestamp, int sequence) {
        List<String> headers = new ArrayList<>();
        for (Header header : spec.headers()) {
            headers.add(header.key() + "=" + hex(header.value()));
        }
        return new Flat(offset, timestamp, sequence, hex(spec.key()), hex(spec.value()), headers);
    }

    /** Sluice's reading of every batch in {@code bytes}, after full validation. */
    static List<BatchView> readWithSluice(ByteBuffer bytes) {
        MemoryRecords records = MemoryRecords.readableRecords(bytes.duplicate());
        records.ensureValid(false);
        List<BatchView> views = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            batch.ensureValid();
            List<Flat> flats = new ArrayList<>();
            for (Record record : batch.records()) {
                flats.add(flat(record));
            }
            views.add(new BatchView(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                batch.compressionType().id(), batch.timestampType() == TimestampType.LOG_APPEND_TIME,
                batch.isTransactional(), batch.isControlBatch(), batch.producerId(), batch.producerEpoch(),
                batch.baseSequence(), batch.lastSequence(), batch.baseTimestamp(), batch.maxTimestamp(),
                batch.recordCount(), flats));
        }
        return views;
    }

    /** Recomputes the CRC of a batch that starts at index 0 of {@code batch} and ends at its limit. */
    static ByteBuffer fixCrc(ByteBuffer batch) {
        long crc = Crc32c.compute(batch, RecordBatch.ATTRIBUTES_OFFSET, batch.limit() - RecordBatch.ATTRIBUTES_OFFSET);
        batch.putInt(RecordBatch.CRC_OFFSET, (int) crc);
        return batch;
    }

    /**
     * A hand-made batch with a correct length and CRC around an arbitrary payload: for testing what happens
     * past the CRC check.
     */
    static ByteBuffer rawBatch(CompressionType codec, int recordCount, int lastOffsetDelta, byte[] payload) {
        ByteBuffer batch = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + payload.length);
        batch.putLong(0L);
        batch.putInt(batch.capacity() - RecordBatch.LOG_OVERHEAD);
        batch.putInt(-1);
        batch.put(RecordBatch.MAGIC);
        batch.putInt(0); // crc, below
        batch.putShort((short) codec.id());
        batch.putInt(lastOffsetDelta);
        batch.putLong(T0);
        batch.putLong(T0);
        batch.putLong(-1L);
        batch.putShort((short) -1);
        batch.putInt(-1);
        batch.putInt(recordCount);
        batch.put(payload);
        batch.flip();
        return fixCrc(batch);
    }

    /** Encodes one record body field by field, so tests can break any of them. */
    static final class RawRecord {
        private final ByteBuffer body = ByteBuffer.allocate(1 << 16);

        RawRecord varint(int value) {
            Varint.writeInt(body, value);
            return this;
        }

        RawRecord varlong(long value) {
            Varint.writeLong(body, value);
            return this;
        }

        RawRecord bytes(byte... bytes) {
            body.put(bytes);
            return this;
        }

        /** The body without a length prefix. */
        byte[] body() {
            byte[] out = new byte[body.position()];
            body.duplicate().flip().get(out);
            return out;
        }

        /** Length prefix (the true body length) + body. */
        byte[] framed() {
            return framed(body().length);
        }

        /** Length prefix {@code declaredLength} + body. */
        byte[] framed(int declaredLength) {
            byte[] body = body();
            ByteBuffer out = ByteBuffer.allocate(body.length + 5);
            Varint.writeInt(out, declaredLength);
            out.put(body);
            byte[] bytes = new byte[out.position()];
            out.flip().get(bytes);
            return bytes;
        }

        /** A well-formed record: attributes 0, deltas, key "k", value "v", no headers. */
        static RawRecord simple(int offsetDelta) {
            return new RawRecord().bytes((byte) 0).varlong(0).varint(offsetDelta).varint(1).bytes((byte) 'k')
                .varint(1).bytes((byte) 'v').varint(0);
        }
    }

    static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
