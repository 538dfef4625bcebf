package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad bytes end in a {@link ProtocolException}: never OutOfMemoryError, a hang, or another exception. */
@Timeout(60)
class MalformedInputTest {
    private static final long SEED = Long.getLong("sluice.test.seed", System.nanoTime());

    private static void expectProtocolErrorOrSuccess(Runnable parse, String where) {
        try {
            parse.run();
        } catch (ProtocolException expected) {
            // fine
        } catch (Throwable t) {
            fail("Unexpected " + t + " for " + where + " (seed " + SEED + ")", t);
        }
    }

    @Test
    void everyTruncationOfEveryMessageIsAProtocolError() {
        RandomMessages random = new RandomMessages(new Random(SEED));
        for (ApiKey key : ApiKey.values()) {
            for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                for (Class<? extends ApiMessage> type : List.of(key.requestType, key.responseType)) {
                    ByteBuffer whole = MessageCodec.write(random.next(type, v), v);
                    for (int cut = 0; cut < whole.remaining(); cut++) {
                        ByteBuffer prefix = whole.duplicate().limit(cut);
                        short version = v;
                        ProtocolException e = assertThrows(ProtocolException.class,
                            () -> MessageCodec.read(type, prefix, version),
                            type.getSimpleName() + " v" + v + " cut at " + cut + " (seed " + SEED + ")");
                        assertEquals(false, e.getMessage() == null || e.getMessage().isBlank());
                    }
                }
            }
        }
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random random = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            ApiKey key = ApiKey.values()[random.nextInt(ApiKey.values().length)];
            short v = (short) (key.oldestVersion() + random.nextInt(key.latestVersion() - key.oldestVersion() + 1));
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            Class<? extends ApiMessage> type = random.nextBoolean() ? key.requestType : key.responseType;
            expectProtocolErrorOrSuccess(() -> MessageCodec.read(type, ByteBuffer.wrap(bytes), v),
                type.getSimpleName() + " v" + v);
            expectProtocolErrorOrSuccess(() -> ApiCodec.decodeRequest(ByteBuffer.wrap(bytes)), "request frame");
        }
    }

    @Test
    void mutatedValidMessagesNeverEscapeAsAnotherException() {
        Random random = new Random(SEED);
        RandomMessages messages = new RandomMessages(random);
        for (int i = 0; i < 5_000; i++) {
            ApiKey key = ApiKey.values()[random.nextInt(ApiKey.values().length)];
            short v = (short) (key.oldestVersion() + random.nextInt(key.latestVersion() - key.oldestVersion() + 1));
            Class<? extends ApiMessage> type = random.nextBoolean() ? key.requestType : key.responseType;
            ByteBuffer bytes = MessageCodec.write(messages.next(type, v), v);
            if (bytes.remaining() == 0) {
                continue;
            }
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int at = random.nextInt(bytes.remaining());
                bytes.put(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
            }
            expectProtocolErrorOrSuccess(() -> MessageCodec.read(type, bytes, v), type.getSimpleName() + " v" + v);
        }
    }

    @Test
    void hugeArrayCountIsRejectedBeforeAllocating() {
        // Metadata v1: topics ARRAY with count 2^31-1 and nothing behind it.
        ByteBuffer bytes = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).flip();
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> MessageCodec.read(MetadataRequest.class, bytes, (short) 1));
        assertEquals(true, e.getMessage().contains("topics"), e.getMessage());
    }

    @Test
    void hugeAndNegativeLengthsAreRejected() {
        // Produce v3: transactional_id NULLABLE_STRING of length -2 is invalid (only -1 means null).
        ByteBuffer negative = ByteBuffer.allocate(2).putShort((short) -2).flip();
        assertThrows(ProtocolException.class, () -> MessageCodec.read(ProduceRequest.class, negative, (short) 3));
        // Fetch v12 (flexible): compact array count as a 5-byte varint of 2^32-1.
        ByteBuffer huge = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, 0x0f});
        assertThrows(ProtocolException.class, () -> MessageCodec.read(FetchResponse.class, huge, (short) 12));
    }

    @Test
    void overlongVarintsAreRejected() {
        ByteBuffer six = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
        assertThrows(ProtocolException.class, () -> new ByteBufferReader(six).readUnsignedVarint());
        byte[] eleven = new byte[11];
        java.util.Arrays.fill(eleven, (byte) 0x80);
        assertThrows(ProtocolException.class, () -> new ByteBufferReader(ByteBuffer.wrap(eleven)).readVarlong());
    }

    @Test
    void nonNullableNullIsRejectedOnWrite() {
        assertThrows(ProtocolException.class,
            () -> MessageCodec.write(new MetadataRequest(null, true, false, false), (short) 0));
    }

    @Test
    void unknownApiKeysAndVersionsAreReportedWithTheirHeader() {
        ByteBufferWriter w = new ByteBufferWriter();
        new RequestHeader((short) 999, (short) 0, 5, "x").write(w);
        ApiCodec.UnsupportedApiException unknown = assertThrows(ApiCodec.UnsupportedApiException.class,
            () -> ApiCodec.decodeRequest(w.toByteBuffer()));
        assertEquals(5, unknown.header().correlationId());

        // ApiVersions v9 (newer than ours): the header still parses (v2, flexible) so we can answer.
        ByteBufferWriter w2 = new ByteBufferWriter();
        new RequestHeader(ApiKey.API_VERSIONS, (short) 9, 6, "client").write(w2);
        w2.writeUnsignedVarint(1).writeUnsignedVarint(1).writeUnsignedVarint(0);
        ApiCodec.UnsupportedApiException tooNew = assertThrows(ApiCodec.UnsupportedApiException.class,
            () -> ApiCodec.decodeRequest(w2.toByteBuffer()));
        assertEquals(new RequestHeader(ApiKey.API_VERSIONS, (short) 9, 6, "client"), tooNew.header());

        ByteBufferWriter w3 = new ByteBufferWriter();
        new RequestHeader(ApiKey.PRODUCE, (short) 2, 7, "old").write(w3);
        assertThrows(ApiCodec.UnsupportedApiException.class, () -> ApiCodec.decodeRequest(w3.toByteBuffer()));
    }

    @Test
    void varintsRoundTripAtTheirBoundaries() {
        int[] ints = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20};
        for (int value : ints) {
            ByteBufferWriter w = new ByteBufferWriter();
            w.writeVarint(value).writeUnsignedVarint(value);
            ByteBufferReader r = new ByteBufferReader(w.toByteBuffer());
            assertEquals(value, r.readVarint());
            assertEquals(value, r.readUnsignedVarint());
            assertEquals(ByteBufferWriter.sizeOfVarint(value), ByteBufferWriter.sizeOfVarint(value));
        }
        long[] longs = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
        for (long value : longs) {
            ByteBufferWriter w = new ByteBufferWriter();
            w.writeVarlong(value);
            assertEquals(ByteBufferWriter.sizeOfVarlong(value), w.position());
            assertEquals(value, new ByteBufferReader(w.toByteBuffer()).readVarlong());
        }
    }
}
