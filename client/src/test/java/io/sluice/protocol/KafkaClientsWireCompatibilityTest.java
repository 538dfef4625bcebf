package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kafka-clients is the judge: for every API and every version Sluice implements, a random message written
 * by Sluice is read by kafka-clients' own generated message class, which writes back exactly the same bytes;
 * and Sluice reads those kafka-clients bytes back to a record equal to the one it started from.
 */
class KafkaClientsWireCompatibilityTest {
    private static final int SAMPLES_PER_VERSION = 40;
    private static final long SEED = Long.getLong("sluice.test.seed", System.nanoTime());

    @TestFactory
    Stream<DynamicTest> everyRequestAndResponseVersionIsByteIdenticalToKafkaClients() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                short version = v;
                tests.add(DynamicTest.dynamicTest(key.title + " request v" + v,
                    () -> roundTrip(key, key.requestType, version, true)));
                tests.add(DynamicTest.dynamicTest(key.title + " response v" + v,
                    () -> roundTrip(key, key.responseType, version, false)));
            }
        }
        return tests.stream();
    }

    private void roundTrip(ApiKey key, Class<? extends ApiMessage> type, short version, boolean request) {
        long seed = SEED ^ (key.id * 1_000_003L) ^ (version * 7919L) ^ (request ? 1 : 2);
        RandomMessages random = new RandomMessages(new Random(seed));
        for (int i = 0; i < SAMPLES_PER_VERSION; i++) {
            ApiMessage ours = random.next(type, version);
            String where = key.title + (request ? " request" : " response") + " v" + version + " sample " + i
                + " (seed " + SEED + "): " + ours;
            ByteBuffer sluiceBytes = MessageCodec.write(ours, version);

            org.apache.kafka.common.protocol.ApiMessage theirs = request
                ? ApiMessageType.fromApiKey(key.id).newRequest()
                : ApiMessageType.fromApiKey(key.id).newResponse();
            ByteBuffer forKafka = sluiceBytes.duplicate();
            theirs.read(new ByteBufferAccessor(forKafka), version);
            assertEquals(0, forKafka.remaining(), "kafka-clients left bytes unread: " + where);
            assertTrue(theirs.unknownTaggedFields().isEmpty(), "kafka-clients saw unknown tagged fields: " + where);

            ObjectSerializationCache cache = new ObjectSerializationCache();
            ByteBuffer kafkaBytes = ByteBuffer.allocate(theirs.size(cache, version));
            theirs.write(new ByteBufferAccessor(kafkaBytes), cache, version);
            kafkaBytes.flip();
            assertEquals(hex(kafkaBytes), hex(sluiceBytes), "bytes differ from kafka-clients: " + where);

            ApiMessage back = MessageCodec.read(type, kafkaBytes.duplicate(), version);
            assertEquals(ours, back, "Sluice read kafka-clients' bytes to different content: " + where);
        }
    }

    static String hex(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining()) {
            sb.append(String.format("%02x", d.get()));
        }
        return sb.toString();
    }
}
