package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.serialization.Serdes;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.UUIDSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** kafka-clients as the oracle: the same partition for the same key, the same bytes for the same value. */
class KafkaPartitionerOracleTest {
    private static final int[] PARTITION_COUNTS = {1, 2, 3, 7, 10, 16, 100, 1000};

    @Test
    void murmur2MatchesKafkaForRandomKeysOfEveryLength() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            byte[] key = new byte[random.nextInt(64)];
            random.nextBytes(key);
            assertEquals(Utils.murmur2(key), Murmur2.hash(key), "hash of a " + key.length + "-byte key");
            for (int n : PARTITION_COUNTS) {
                assertEquals(BuiltInPartitioner.partitionForKey(key, n), Murmur2.partitionForKey(key, n));
            }
        }
    }

    @Test
    void stringKeysLandWhereKafkaPutsThem() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String key = UUID.randomUUID() + "-" + random.nextInt();
            byte[] bytes = Serdes.stringSerializer().serialize("t", key);
            for (int n : PARTITION_COUNTS) {
                assertEquals(BuiltInPartitioner.partitionForKey(bytes, n), Murmur2.partitionForKey(bytes, n), key);
            }
        }
    }

    @Test
    void serializersProduceKafkasBytes() {
        Random random = new Random(3);
        try (StringSerializer s = new StringSerializer(); IntegerSerializer is = new IntegerSerializer();
             LongSerializer ls = new LongSerializer(); UUIDSerializer us = new UUIDSerializer()) {
            for (int i = 0; i < 1000; i++) {
                String text = "ä€𝄞-" + random.nextLong();
                int n = random.nextInt();
                long l = random.nextLong();
                UUID u = new UUID(random.nextLong(), random.nextLong());
                assertArrayEquals(s.serialize("t", text), Serdes.stringSerializer().serialize("t", text));
                assertArrayEquals(is.serialize("t", n), Serdes.integerSerializer().serialize("t", n));
                assertArrayEquals(ls.serialize("t", l), Serdes.longSerializer().serialize("t", l));
                assertArrayEquals(us.serialize("t", u), Serdes.uuidSerializer().serialize("t", u));
                assertEquals(n, Serdes.integerDeserializer().deserialize("t", is.serialize("t", n)));
                assertEquals(l, Serdes.longDeserializer().deserialize("t", ls.serialize("t", l)));
                assertEquals(u, Serdes.uuidDeserializer().deserialize("t", us.serialize("t", u)));
                assertEquals(text, Serdes.stringDeserializer().deserialize("t", s.serialize("t", text)));
            }
        }
    }

    record Point(int x, String label) {
    }

    @Test
    void jsonRoundTrips() {
        Point p = new Point(3, "a\"b");
        byte[] bytes = Serdes.<Point>jsonSerializer().serialize("t", p);
        assertEquals("{\"x\":3,\"label\":\"a\\\"b\"}", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(p, Serdes.jsonDeserializer(Point.class).deserialize("t", bytes));
        assertEquals(null, Serdes.jsonDeserializer(Point.class).deserialize("t", null));
    }
}
