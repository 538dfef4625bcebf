package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeBroker;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.TopicPartition;
import io.sluice.common.Uuid;
import io.sluice.common.config.ConfigException;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SluiceProducerTest {
    private static final int PARTITIONS = 3;
    private FakeBroker broker;
    /** Batches the broker accepted, per partition, in order. */
    private final Map<TopicPartition, List<RecordBatch>> log = new ConcurrentHashMap<>();
    private final List<Record> all = new CopyOnWriteArrayList<>();
    /** Return a non-null error to fail the next produce of a partition once. */
    private volatile Function<TopicPartition, Errors> inject = tp -> null;

    @BeforeEach
    void setUp() throws Exception {
        broker = new FakeBroker(0);
        broker.handler = this::handle;
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    private ApiMessage handle(ApiCodec.Request r) {
        switch (r.apiKey()) {
            case METADATA -> {
                var req = (MetadataRequest) r.body();
                List<MetadataResponse.Topic> topics = new ArrayList<>();
                for (var t : req.topics() == null ? List.<MetadataRequest.Topic>of() : req.topics()) {
                    List<MetadataResponse.Topic.Partition> ps = new ArrayList<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        ps.add(new MetadataResponse.Topic.Partition((short) 0, p, 0, 0, List.of(0), List.of(0), List.of()));
                    }
                    topics.add(new MetadataResponse.Topic((short) 0, t.name(), Uuid.ZERO, false, ps, Integer.MIN_VALUE));
                }
                return new MetadataResponse(0, List.of(new MetadataResponse.Broker(0, "127.0.0.1", broker.port(), null)),
                    "c", 0, topics, Integer.MIN_VALUE);
            }
            case INIT_PRODUCER_ID -> {
                return new InitProducerIdResponse(0, (short) 0, 7L, (short) 3);
            }
            case PRODUCE -> {
                var req = (ProduceRequest) r.body();
                List<ProduceResponse.Response> out = new ArrayList<>();
                for (var t : req.topicData()) {
                    List<ProduceResponse.Response.PartitionResponse> ps = new ArrayList<>();
                    for (var p : t.partitionData()) {
                        TopicPartition tp = new TopicPartition(t.name(), p.index());
                        Errors error = inject.apply(tp);
                        if (error != null) {
                            ps.add(new ProduceResponse.Response.PartitionResponse(p.index(), error.code(), -1, -1, -1,
                                List.of(), null, null));
                            continue;
                        }
                        List<RecordBatch> batches = log.computeIfAbsent(tp, k -> new CopyOnWriteArrayList<>());
                        long base = batches.stream().mapToLong(RecordBatch::recordCount).sum();
                        ByteBuffer buf = ByteBuffer.allocate(p.records().sizeInBytes());
                        p.records().writeTo(buf);
                        for (RecordBatch b : MemoryRecords.readableRecords(buf.flip()).batches()) {
                            batches.add(b);
                            all.addAll(b.records());
                        }
                        ps.add(new ProduceResponse.Response.PartitionResponse(p.index(), (short) 0, base, -1, 0,
                            List.of(), null, null));
                    }
                    out.add(new ProduceResponse.Response(t.name(), ps));
                }
                return req.acks() == 0 ? null : new ProduceResponse(out, 0, List.of());
            }
            default -> {
                return null;
            }
        }
    }

    private SluiceProducer.Builder<String, String> builder() {
        return SluiceProducer.builder(Serdes.stringSerializer(), Serdes.stringSerializer())
            .bootstrapServers(broker.address()).config("retry.backoff.ms", 10);
    }

    @Test
    void keyedRecordsLandOnTheMurmur2PartitionWithContiguousSequences() throws Exception {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (SluiceProducer<String, String> producer = builder().linger(Duration.ofMillis(20)).build()) {
            for (int i = 0; i < 500; i++) {
                keys.add("key-" + i);
                futures.add(producer.send(new ProducerRecord<>("t", "key-" + i, "value-" + i)));
            }
            producer.flush();
            for (CompletableFuture<RecordMetadata> f : futures) {
                assertTrue(f.isDone(), "flush returns after every record completed");
            }
        }
        Map<Integer, AtomicInteger> nextOffset = new ConcurrentHashMap<>();
        for (int i = 0; i < futures.size(); i++) {
            RecordMetadata m = futures.get(i).get();
            int expected = Murmur2.partitionForKey(keys.get(i).getBytes(StandardCharsets.UTF_8), PARTITIONS);
            assertEquals(expected, m.partition());
            assertEquals(nextOffset.computeIfAbsent(m.partition(), p -> new AtomicInteger()).getAndIncrement(), m.offset(),
                "offsets in send order per partition");
        }
        for (List<RecordBatch> batches : log.values()) {
            int seq = 0;
            for (RecordBatch b : batches) {
                assertEquals(7L, b.producerId());
                assertEquals(3, b.producerEpoch());
                assertEquals(seq, b.baseSequence());
                seq += b.recordCount();
            }
        }
        assertEquals(500, all.size());
        assertEquals(1, broker.requests(ApiKey.INIT_PRODUCER_ID).size());
    }

    /** Each record waits for the previous one, so each starts a new batch: the partitions still take turns. */
    @Test
    void roundRobinGivesEveryPartitionItsTurnWhenEachRecordStartsABatch() throws Exception {
        List<Integer> partitions = new ArrayList<>();
        try (SluiceProducer<String, String> producer = builder().partitioner(RoundRobinPartitioner.class).build()) {
            for (int i = 0; i < 4 * PARTITIONS; i++) {
                partitions.add(producer.send(new ProducerRecord<>("t", "same-key", "v" + i)).get(30, TimeUnit.SECONDS)
                    .partition());
            }
        }
        for (int i = 1; i < partitions.size(); i++) {
            assertEquals((partitions.get(i - 1) + 1) % PARTITIONS, partitions.get(i), "in turn: " + partitions);
        }
    }

    @Test
    void aRetriedBatchKeepsItsSequenceAndIsWrittenOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger(2);
        inject = tp -> failures.getAndDecrement() > 0 ? Errors.NOT_LEADER_OR_FOLLOWER : null;
        try (SluiceProducer<String, String> producer = builder().build()) {
            RecordMetadata m = producer.send(new ProducerRecord<>("t", 1, "k", "v", List.of(), 123L)).get(30, TimeUnit.SECONDS);
            assertEquals(0, m.offset());
            assertEquals(1, m.partition());
            assertEquals(123L, m.timestamp());
        }
        List<ProduceRequest> produces = broker.requests(ApiKey.PRODUCE).stream().map(r -> (ProduceRequest) r.body()).toList();
        assertEquals(3, produces.size());
        assertEquals(1, log.get(new TopicPartition("t", 1)).size());
        assertEquals(0, log.get(new TopicPartition("t", 1)).get(0).baseSequence());
    }

    @Test
    void aNonRetriableErrorFailsTheSend() {
        inject = tp -> Errors.MESSAGE_TOO_LARGE;
        try (SluiceProducer<String, String> producer = builder().build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> producer.send(new ProducerRecord<>("t", "k", "v")).get(30, TimeUnit.SECONDS));
            assertEquals(Errors.MESSAGE_TOO_LARGE, ((ApiException) e.getCause()).error());
        }
    }

    @Test
    void sendBlocksForBufferMemoryUpToMaxBlockMs() throws Exception {
        broker.handler = r -> r.apiKey() == ApiKey.PRODUCE ? null : handle(r);
        try (SluiceProducer<String, String> producer = builder().batchSize(1024).bufferMemory(2048)
            .maxBlock(Duration.ofMillis(300)).linger(Duration.ZERO).build()) {
            producer.send(new ProducerRecord<>("t", 0, null, "a", List.of(), null));
            producer.send(new ProducerRecord<>("t", 1, null, "b", List.of(), null));
            CompletableFuture<RecordMetadata> third = producer.send(new ProducerRecord<>("t", 2, null, "c", List.of(), null));
            ExecutionException e = assertThrows(ExecutionException.class, () -> third.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("buffer.memory"), e.getCause().getMessage());
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void acksZeroCompletesWithoutOffsets() throws Exception {
        try (SluiceProducer<String, String> producer = builder().acks("0").idempotence(false).build()) {
            RecordMetadata m = producer.send(new ProducerRecord<>("t", 2, "k", "v", List.of(), 5L)).get(30, TimeUnit.SECONDS);
            assertEquals(-1, m.offset());
            assertEquals(2, m.partition());
        }
        assertEquals(0, broker.requests(ApiKey.INIT_PRODUCER_ID).size());
        // acks=0: the send completed when written; the fake broker may still be handling it.
        TopicPartition tp = new TopicPartition("t", 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.getOrDefault(tp, List.of()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(RecordBatch.NO_PRODUCER_ID, log.get(tp).get(0).producerId());
    }

    @Test
    void keylessRecordsStickToOnePartitionPerBatch() throws Exception {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        try (SluiceProducer<String, String> producer = builder().linger(Duration.ofSeconds(60)).build()) {
            for (int i = 0; i < 50; i++) {
                futures.add(producer.send(new ProducerRecord<>("t", "v" + i)));
            }
            producer.flush();
        }
        assertEquals(1, futures.stream().map(f -> f.join().partition()).distinct().count());
    }

    @Test
    void closeSendsWhatIsBufferedFirst() throws Exception {
        CompletableFuture<RecordMetadata> f;
        SluiceProducer<String, String> producer = builder().linger(Duration.ofSeconds(60)).build();
        f = producer.send(new ProducerRecord<>("t", "k", "v"));
        producer.close();
        assertEquals(0, f.get(1, TimeUnit.SECONDS).offset());
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> producer.send(new ProducerRecord<>("t", "k", "v")).get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void invalidCombinationsAreRefused() {
        assertThrows(ConfigException.class, () -> builder().acks("1").build());
        assertThrows(ConfigException.class, () -> builder().config("transactional.id", "x").build());
        assertThrows(ConfigException.class, () -> builder().config("compression.type", "brotli").build());
        assertThrows(ConfigException.class, () -> builder().config("max.in.flight.requests.per.connection", 6).build());
    }
}
