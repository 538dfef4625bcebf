package io.sluice.core.log;

import io.sluice.record.CompressionType;
import io.sluice.record.Header;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.TimestampType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes the cleaner's version of a batch: the same base offset, last offset delta (so the batch still covers the
 * same offsets and sequences), partition leader epoch, producer id, epoch and base sequence, with only the
 * retained records, each at its original offset. Layouts: batch header in {@link RecordBatch}; each record is
 * {@code varint length, int8 attributes (0), varlong timestampDelta, varint offsetDelta, varint keyLength + key,
 * varint valueLength + value, varint headerCount, headers (varint keyLength + UTF-8 key, varint valueLength +
 * value)}, varints zig-zag encoded, -1 lengths for null.
 *
 * <p>With a delete horizon (KIP-534), attribute bit 6 is set and baseTimestamp holds the horizon; record
 * timestamps are then encoded relative to it, so every record keeps its timestamp. Without one, baseTimestamp
 * stays the original. An empty batch (every record removed, kept only for its producer's sequence) carries no
 * payload and no codec. The CRC-32C is computed over the new bytes. Records are recompressed with the batch's
 * codec, or with the topic's for {@link #recompress}.
 *
 * <p>Stateless; returns a new heap buffer.
 */
final class BatchRewriter {
    private static final int DELETE_HORIZON_FLAG = 0x40;
    private static final int CODEC_MASK = 0x07;

    private BatchRewriter() {
    }

    /**
     * @param deleteHorizonMs the horizon to record, or -1 for none
     */
    static ByteBuffer rewrite(RecordBatch original, List<Record> retained, long deleteHorizonMs) {
        return rewrite(original, retained, deleteHorizonMs, original.compressionType());
    }

    /** The same batch with every record, compressed with {@code codec} (topic {@code compression.type}). */
    static ByteBuffer recompress(RecordBatch original, CompressionType codec) {
        return rewrite(original, original.records(), original.deleteHorizonMs().orElse(-1), codec);
    }

    private static ByteBuffer rewrite(RecordBatch original, List<Record> retained, long deleteHorizonMs,
                                      CompressionType targetCodec) {
        long baseOffset = original.baseOffset();
        long baseTimestamp = deleteHorizonMs >= 0 ? deleteHorizonMs : original.baseTimestamp();
        CompressionType codec = retained.isEmpty() ? CompressionType.NONE : targetCodec;
        byte[] payload = encodeRecords(retained, baseOffset, baseTimestamp, codec);
        long maxTimestamp = original.maxTimestamp();
        if (original.timestampType() == TimestampType.CREATE_TIME && !retained.isEmpty()) {
            maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (Record record : retained) {
                maxTimestamp = Math.max(maxTimestamp, record.timestamp());
            }
        }
        int attributes = original.attributes() & ~CODEC_MASK & ~DELETE_HORIZON_FLAG | codec.id()
            | (deleteHorizonMs >= 0 ? DELETE_HORIZON_FLAG : 0);
        ByteBuffer batch = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + payload.length);
        batch.putLong(baseOffset);
        batch.putInt(batch.capacity() - RecordBatch.LOG_OVERHEAD);
        batch.putInt(original.partitionLeaderEpoch());
        batch.put(RecordBatch.MAGIC);
        batch.putInt(0);
        batch.putShort((short) attributes);
        batch.putInt(original.lastOffsetDelta());
        batch.putLong(baseTimestamp);
        batch.putLong(maxTimestamp);
        batch.putLong(original.producerId());
        batch.putShort(original.producerEpoch());
        batch.putInt(original.baseSequence());
        batch.putInt(retained.size());
        batch.put(payload);
        batch.flip();
        CRC32C crc = new CRC32C();
        crc.update(batch.duplicate().position(21));
        batch.putInt(17, (int) crc.getValue());
        return batch;
    }

    private static byte[] encodeRecords(List<Record> records, long baseOffset, long baseTimestamp,
                                        CompressionType codec) {
        if (records.isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream stream = codec.wrapForOutput(out)) {
            ByteBuffer scratch = ByteBuffer.allocate(1024);
            for (Record record : records) {
                scratch = encode(record, baseOffset, baseTimestamp, scratch);
                stream.write(scratch.array(), 0, scratch.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Compressing a cleaned batch with " + codec.configName() + " failed", e);
        }
        return out.toByteArray();
    }

    /** Encodes one record with its length prefix into {@code scratch} (grown if needed); returns the buffer used. */
    private static ByteBuffer encode(Record record, long baseOffset, long baseTimestamp, ByteBuffer scratch) {
        ByteBuffer key = record.key();
        ByteBuffer value = record.value();
        List<Header> headers = record.headers();
        int headerBytes = 0;
        byte[][] headerKeys = new byte[headers.size()][];
        for (int i = 0; i < headers.size(); i++) {
            headerKeys[i] = headers.get(i).key().getBytes(StandardCharsets.UTF_8);
            ByteBuffer hv = headers.get(i).value();
            headerBytes += varintSize(headerKeys[i].length) + headerKeys[i].length
                + (hv == null ? varintSize(-1) : varintSize(hv.remaining()) + hv.remaining());
        }
        long timestampDelta = record.timestamp() - baseTimestamp;
        int offsetDelta = (int) (record.offset() - baseOffset);
        int body = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta)
            + (key == null ? varintSize(-1) : varintSize(key.remaining()) + key.remaining())
            + (value == null ? varintSize(-1) : varintSize(value.remaining()) + value.remaining())
            + varintSize(headers.size()) + headerBytes;
        int total = varintSize(body) + body;
        ByteBuffer out = scratch.capacity() >= total ? scratch.clear() : ByteBuffer.allocate(Math.max(total, 2 * scratch.capacity()));
        writeVarint(out, body);
        out.put((byte) 0);
        writeVarlong(out, timestampDelta);
        writeVarint(out, offsetDelta);
        writeBytes(out, key);
        writeBytes(out, value);
        writeVarint(out, headers.size());
        for (int i = 0; i < headers.size(); i++) {
            writeVarint(out, headerKeys[i].length);
            out.put(headerKeys[i]);
            writeBytes(out, headers.get(i).value());
        }
        return out;
    }

    private static void writeBytes(ByteBuffer out, ByteBuffer bytes) {
        if (bytes == null) {
            writeVarint(out, -1);
        } else {
            writeVarint(out, bytes.remaining());
            out.put(bytes.duplicate());
        }
    }

    static void writeVarint(ByteBuffer out, int value) {
        writeUnsigned(out, ((long) value << 1 ^ value >> 31) & 0xffffffffL);
    }

    static void writeVarlong(ByteBuffer out, long value) {
        writeUnsigned(out, value << 1 ^ value >> 63);
    }

    private static void writeUnsigned(ByteBuffer out, long raw) {
        long v = raw;
        while ((v & ~0x7fL) != 0) {
            out.put((byte) (v & 0x7f | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    static int varintSize(int value) {
        return unsignedSize(((long) value << 1 ^ value >> 31) & 0xffffffffL);
    }

    static int varlongSize(long value) {
        return unsignedSize(value << 1 ^ value >> 63);
    }

    private static int unsignedSize(long raw) {
        int bytes = 1;
        long v = raw;
        while ((v & ~0x7fL) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }
}
