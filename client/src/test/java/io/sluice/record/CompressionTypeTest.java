package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.record.TestRecords.Spec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyOutputStream;

/** The codecs: round trips, the two snappy forms, LZ4 frame options, and the worst-case size bound. */
class CompressionTypeTest {
    private static final long SEED = 7_331L;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void roundTripsEmptySmallAndLargeInputs(CompressionType type) throws IOException {
        Random random = new Random(SEED);
        for (byte[] input : List.of(new byte[0], new byte[] {42}, TestRecords.bytes(random, 300_000),
                "abc".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            assertArrayEquals(input, decompress(type, compress(type, input)));
        }
    }

    @Test
    void lz4FramesAreByteIdenticalToKafkas() throws IOException {
        Random random = new Random(SEED);
        byte[] input = new byte[200_000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i < 100_000 ? i % 7 : random.nextInt());
        }
        org.apache.kafka.common.utils.ByteBufferOutputStream kafkaOut =
            new org.apache.kafka.common.utils.ByteBufferOutputStream(1024);
        try (OutputStream out = Compression.lz4().build().wrapForOutput(kafkaOut, (byte) 2)) {
            out.write(input);
        }
        ByteBuffer kafka = kafkaOut.buffer().flip();

        assertEquals(kafka, ByteBuffer.wrap(compress(CompressionType.LZ4, input)));
    }

    @Test
    void lz4FramesWithOptionalChecksumsAndContentSizeAreRead() throws IOException {
        byte[] input = "checksummed ".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        try (OutputStream out = new LZ4FrameOutputStream(framed, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
                input.length, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            out.write(input);
        }
        assertArrayEquals(input, decompress(CompressionType.LZ4, framed.toByteArray()));
    }

    @Test
    void snappyIsWrittenWithXerialFraming() throws IOException {
        byte[] compressed = compress(CompressionType.SNAPPY, new byte[] {1, 2, 3});
        for (int i = 0; i < SnappyPayloadReader.XERIAL_MAGIC.length; i++) {
            assertEquals(SnappyPayloadReader.XERIAL_MAGIC[i], compressed[i]);
        }
    }

    @Test
    void rawUnframedSnappyIsRead() throws IOException {
        byte[] input = "raw snappy as librdkafka writes it ".repeat(1000)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertArrayEquals(input, decompress(CompressionType.SNAPPY, Snappy.compress(input)));
    }

    @Test
    void concatenatedXerialStreamsAreRead() throws IOException {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (String part : List.of("first ", "second")) {
            try (OutputStream out = new SnappyOutputStream(joined)) {
                out.write(part.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        assertArrayEquals("first second".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            decompress(CompressionType.SNAPPY, joined.toByteArray()));
    }

    @Test
    void batchWithRawSnappyPayloadReadsLikeTheXerialOne() throws IOException {
        List<Spec> specs = TestRecords.randomSpecs(new Random(SEED), 25);
        KafkaOracle.Variant variant = KafkaOracle.variants().get(1);
        RecordBatch framed = KafkaOracle.buildWithSluice(CompressionType.SNAPPY, variant, specs).batches().iterator()
            .next();
        byte[] uncompressedRecords = decompress(CompressionType.SNAPPY, bytesOf(framed.payload()));
        byte[] header = new byte[RecordBatch.HEADER_SIZE];
        framed.buffer().get(header);
        ByteBuffer raw = ByteBuffer.wrap(TestRecords.concat(header, Snappy.compress(uncompressedRecords)));
        raw.putInt(RecordBatch.LENGTH_OFFSET, raw.capacity() - RecordBatch.LOG_OVERHEAD);
        TestRecords.fixCrc(raw);

        assertEquals(TestRecords.readWithSluice(framed.buffer()), TestRecords.readWithSluice(raw));
        assertEquals(KafkaOracle.read(raw), TestRecords.readWithSluice(raw), "kafka-clients reads raw snappy too");
    }

    @Test
    void codecIdsAndNames() {
        for (CompressionType type : CompressionType.values()) {
            assertEquals(type, CompressionType.forId(type.id()));
            assertEquals(type, CompressionType.forConfigName(type.configName().toUpperCase(java.util.Locale.ROOT)));
            assertEquals(KafkaOracle.kafkaType(type).name, type.configName());
        }
        for (int id : new int[] {5, 6, 7, -1}) {
            assertThrows(InvalidRecordException.class, () -> CompressionType.forId(id));
        }
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forConfigName("brotli"));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void maxCompressedSizeBoundsIncompressibleInput(CompressionType type) throws IOException {
        Random random = new Random(SEED);
        int[] sizes = {0, 1, 2, 15, 16, 17, 100, 1000, 4095, 4096, 16_383, 16_384, 32_767, 32_768, 32_769, 65_535,
            65_536, 65_537, 131_072, 200_000, 1 << 20};
        for (int size : sizes) {
            byte[] input = TestRecords.bytes(random, size);
            int actual = compress(type, input).length;
            assertTrue(actual <= type.maxCompressedSize(size),
                type + ": " + size + " bytes compressed to " + actual + " > bound " + type.maxCompressedSize(size));
        }
    }

    @Test
    void wrapForInputLeavesThePayloadBufferUntouched() throws IOException {
        ByteBuffer payload = ByteBuffer.wrap(compress(CompressionType.GZIP, new byte[] {1, 2, 3}));
        try (InputStream in = CompressionType.GZIP.wrapForInput(payload)) {
            in.readAllBytes();
        }
        assertEquals(0, payload.position());
    }

    static byte[] compress(CompressionType type, byte[] input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = type.wrapForOutput(bytes)) {
            out.write(input);
        }
        return bytes.toByteArray();
    }

    static byte[] decompress(CompressionType type, byte[] compressed) throws IOException {
        try (InputStream in = type.wrapForInput(ByteBuffer.wrap(compressed))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
