package io.sluice.core.replication.bench;

import io.sluice.client.network.NetworkClient;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.Time;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.core.server.BrokerConfig;
import io.sluice.core.server.BrokerServer;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatchBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;

/**
 * The cost of {@code replication.ack.requires.fsync}: three brokers in one JVM (one ZooKeeper), an RF=3 topic with
 * min.insync.replicas=2, and {@code producers} threads each sending acks=all requests of one 100-byte record
 * one after another to the leader. Prints mean/p50/p99 latency and requests per second. Not a test; run by hand:
 * {@code java -cp <core test class path> io.sluice.core.replication.bench.AcksAllLatencyBenchmark <true|false>
 * <producers> <requests per producer>}.
 */
public final class AcksAllLatencyBenchmark {
    private AcksAllLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean fsync = Boolean.parseBoolean(args[0]);
        int producers = Integer.parseInt(args[1]);
        int perProducer = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("acks-all-bench");
        try (TestingServer zookeeper = new TestingServer(true)) {
            String connect = zookeeper.getConnectString() + "/bench-" + UUID.randomUUID();
            CuratorFramework zk = ZooKeeperClients.start(new ZooKeeperConfig(connect, 10_000, 10_000));
            ZkMetadataStore store = new ZkMetadataStore(zk);
            store.ensurePersistentPaths();
            List<BrokerServer> brokers = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                Map<String, String> props = new HashMap<>();
                props.put("broker.id", Integer.toString(id));
                props.put("listeners", "PLAINTEXT://127.0.0.1:0");
                props.put("log.dirs", dir.resolve("b" + id).toString());
                props.put("zookeeper.connect", connect);
                props.put("replication.ack.requires.fsync", Boolean.toString(fsync));
                BrokerServer b = new BrokerServer(new BrokerConfig(props), Time.SYSTEM);
                b.startup();
                brokers.add(b);
            }
            store.createTopic("bench", Uuid.randomUuid(), Map.of(0, List.of(1, 2, 3)), Map.of("min.insync.replicas", "2"));
            Optional<PartitionState> s;
            long deadline = System.currentTimeMillis() + 30_000;
            while ((s = store.readPartitionState("bench", 0)).isEmpty() || s.get().isr().size() < 3) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("no ISR of 3");
                }
                Thread.sleep(50);
            }
            int leaderPort = brokers.get(s.get().leader() - 1).boundListeners().get(0).port();
            InetSocketAddress leader = new InetSocketAddress("127.0.0.1", leaderPort);
            run(leader, 1, 200);   // warm-up
            long startNs = System.nanoTime();
            long[] latencies = run(leader, producers, perProducer);
            double seconds = (System.nanoTime() - startNs) / 1e9;
            Arrays.sort(latencies);
            double mean = Arrays.stream(latencies).average().orElse(0) / 1e6;
            System.out.printf("replication.ack.requires.fsync=%s producers=%d requests=%d: mean %.2f ms, p50 %.2f ms, "
                    + "p99 %.2f ms, %.0f requests/s%n", fsync, producers, latencies.length, mean,
                latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6,
                latencies.length / seconds);
            for (BrokerServer b : brokers) {
                b.close();
            }
            zk.close();
        }
    }

    private static long[] run(InetSocketAddress leader, int producers, int perProducer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        List<Future<long[]>> results = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            results.add(pool.submit(() -> {
                long[] out = new long[perProducer];
                try (NetworkClient c = new NetworkClient(NetworkClient.Settings.defaults("bench"))) {
                    Node node = new Node(0, leader.getHostString(), leader.getPort());
                    for (int i = 0; i < perProducer; i++) {
                        RecordBatchBuilder b = new RecordBatchBuilder();
                        b.append(System.currentTimeMillis(), null, new byte[100]);
                        MemoryRecords records = b.build();
                        ProduceRequest request = new ProduceRequest(null, (short) -1, 30_000, List.of(
                            new ProduceRequest.TopicData("bench", List.of(new ProduceRequest.TopicData.PartitionData(0,
                                records)))));
                        long t0 = System.nanoTime();
                        ProduceResponse r = c.<ProduceResponse>send(node, ApiKey.PRODUCE, (short) 9, v -> request).get();
                        out[i] = System.nanoTime() - t0;
                        short code = r.responses().get(0).partitionResponses().get(0).errorCode();
                        if (code != 0) {
                            throw new IllegalStateException("produce failed: " + Errors.forCode(code));
                        }
                    }
                }
                return out;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            for (long l : f.get()) {
                all.add(l);
            }
        }
        pool.shutdown();
        return all.stream().mapToLong(Long::longValue).toArray();
    }
}
