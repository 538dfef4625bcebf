package io.sluice.lag;

import io.sluice.client.network.KafkaConnection;
import io.sluice.common.Errors;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordIterator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@link OffsetsSource} over the raw Kafka protocol with blocking {@link KafkaConnection}s, one per broker, kept
 * open between refreshes and reopened after a failure. Works with any Kafka-protocol cluster (Sluice or Apache
 * Kafka). Kept in this one class so that it can be replaced by Sluice's admin client.
 *
 * <ul>
 *   <li>log-end offsets: Metadata (all topics, internal ones left out), then ListOffsets (latest) to each leader;</li>
 *   <li>groups: ListGroups to every broker; a group is active unless its state (ListGroups v4+) is Empty or Dead;</li>
 *   <li>committed offsets: FindCoordinator, then OffsetFetch (all partitions) to the coordinator;</li>
 *   <li>record timestamps: a Fetch at the offset from the leader, reading the first record at or after it.</li>
 * </ul>
 * Single-threaded, like every {@link OffsetsSource}.
 */
public final class KafkaOffsetsSource implements OffsetsSource {
    public static final String CLIENT_ID = "sluice-lag-monitor";
    private static final int TIMESTAMP_FETCH_BYTES = 64 * 1024;

    private final List<InetSocketAddress> bootstrap;
    private final KafkaConnection.Settings settings;
    private final Map<InetSocketAddress, KafkaConnection> connections = new HashMap<>();
    private final Map<String, InetSocketAddress> coordinators = new HashMap<>();
    private Map<Integer, InetSocketAddress> brokers = Map.of();
    private Map<TopicPartition, Integer> leaders = Map.of();

    public KafkaOffsetsSource(List<String> bootstrapServers, KafkaConnection.Settings settings) {
        this.bootstrap = bootstrapServers.stream().map(KafkaOffsetsSource::parseAddress).toList();
        this.settings = Objects.requireNonNull(settings);
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("No bootstrap servers");
        }
    }

    public KafkaOffsetsSource(List<String> bootstrapServers) {
        this(bootstrapServers, KafkaConnection.Settings.defaults(CLIENT_ID).withRequestTimeoutMs(15_000));
    }

    static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("Not a host:port pair: '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public Map<TopicPartition, Long> logEndOffsets() throws IOException {
        refreshMetadata();
        Map<Integer, Map<String, List<ListOffsetsRequest.Topic.Partition>>> byLeader = new HashMap<>();
        leaders.forEach((tp, leader) -> byLeader.computeIfAbsent(leader, l -> new LinkedHashMap<>())
            .computeIfAbsent(tp.topic(), t -> new ArrayList<>())
            .add(new ListOffsetsRequest.Topic.Partition(tp.partition(), -1, -1L)));
        Map<TopicPartition, Long> ends = new HashMap<>();
        IOException failure = null;
        for (Map.Entry<Integer, Map<String, List<ListOffsetsRequest.Topic.Partition>>> e : byLeader.entrySet()) {
            List<ListOffsetsRequest.Topic> topics = new ArrayList<>();
            e.getValue().forEach((topic, partitions) -> topics.add(new ListOffsetsRequest.Topic(topic, partitions)));
            try {
                ListOffsetsResponse response = send(brokers.get(e.getKey()),
                    new ListOffsetsRequest(-1, (byte) 0, topics));
                for (ListOffsetsResponse.Topic t : response.topics()) {
                    for (ListOffsetsResponse.Topic.Partition p : t.partitions()) {
                        if (p.errorCode() == Errors.NONE.code() && p.offset() >= 0) {
                            ends.put(new TopicPartition(t.name(), p.partitionIndex()), p.offset());
                        }
                    }
                }
            } catch (IOException ex) {
                failure = ex;
            }
        }
        if (ends.isEmpty() && failure != null) {
            throw failure;
        }
        return ends;
    }

    @Override
    public List<GroupListing> listGroups() throws IOException {
        if (brokers.isEmpty()) {
            refreshMetadata();
        }
        Map<String, GroupListing> groups = new LinkedHashMap<>();
        for (InetSocketAddress broker : brokers.values()) {
            ListGroupsResponse response = send(broker, new ListGroupsRequest(List.of(), List.of()));
            if (response.errorCode() != Errors.NONE.code()) {
                throw new IOException("ListGroups on " + broker + " failed: " + Errors.forCode(response.errorCode()));
            }
            for (ListGroupsResponse.Group g : response.groups()) {
                String state = g.groupState() == null ? "" : g.groupState();
                boolean active = !state.equalsIgnoreCase("Empty") && !state.equalsIgnoreCase("Dead");
                groups.put(g.groupId(), new GroupListing(g.groupId(), active));
            }
        }
        return List.copyOf(groups.values());
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets(String groupId) throws IOException {
        InetSocketAddress coordinator = coordinator(groupId);
        short version = connection(coordinator).usableVersion(ApiKey.OFFSET_FETCH, (short) 9);
        OffsetFetchRequest request = version >= 8
            ? new OffsetFetchRequest(List.of(new OffsetFetchRequest.Group(groupId, null, -1, null)), null, null, false)
            : new OffsetFetchRequest(List.of(), groupId, null, false);
        OffsetFetchResponse response;
        try {
            response = connection(coordinator).send(request, version);
        } catch (IOException e) {
            dropConnection(coordinator);
            coordinators.remove(groupId);
            throw e;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        short error;
        if (version >= 8) {
            OffsetFetchResponse.Group g = response.groups().get(0);
            error = g.errorCode();
            for (OffsetFetchResponse.Group.Topic t : g.topics()) {
                for (OffsetFetchResponse.Group.Topic.Partition p : t.partitions()) {
                    if (p.errorCode() == Errors.NONE.code() && p.committedOffset() >= 0) {
                        offsets.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                    }
                }
            }
        } else {
            error = response.errorCode();
            for (OffsetFetchResponse.Topic t : response.topics()) {
                for (OffsetFetchResponse.Topic.Partition p : t.partitions()) {
                    if (p.errorCode() == Errors.NONE.code() && p.committedOffset() >= 0) {
                        offsets.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                    }
                }
            }
        }
        if (error != Errors.NONE.code()) {
            coordinators.remove(groupId);
            throw new IOException("OffsetFetch of group " + groupId + " failed: " + Errors.forCode(error));
        }
        return offsets;
    }

    @Override
    public OptionalLong recordTimestamp(TopicPartition tp, long offset) throws IOException {
        Integer leader = leaders.get(tp);
        if (leader == null || !brokers.containsKey(leader)) {
            return OptionalLong.empty();
        }
        FetchRequest request = new FetchRequest(-1, 0, 0, TIMESTAMP_FETCH_BYTES, (byte) 0, 0, -1,
            List.of(new FetchRequest.Topic(tp.topic(), List.of(
                new FetchRequest.Topic.Partition(tp.partition(), -1, offset, -1, -1L, TIMESTAMP_FETCH_BYTES)))),
            List.of(), "", null);
        FetchResponse response = send(brokers.get(leader), request);
        for (FetchResponse.Response r : response.responses()) {
            for (FetchResponse.Response.Partition p : r.partitions()) {
                if (p.errorCode() != Errors.NONE.code() || !(p.records() instanceof MemoryRecords records)) {
                    continue;
                }
                for (RecordBatch batch : records.batches()) {
                    if (batch.lastOffset() < offset || batch.isControlBatch()) {
                        continue;
                    }
                    try (RecordIterator it = batch.recordIterator()) {
                        while (it.hasNext()) {
                            Record record = it.next();
                            if (record.offset() >= offset) {
                                return OptionalLong.of(record.timestamp());
                            }
                        }
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    private InetSocketAddress coordinator(String groupId) throws IOException {
        InetSocketAddress known = coordinators.get(groupId);
        if (known != null) {
            return known;
        }
        InetSocketAddress any = anyBroker();
        short version = connection(any).usableVersion(ApiKey.FIND_COORDINATOR, (short) 4);
        FindCoordinatorRequest request = version >= 4
            ? new FindCoordinatorRequest(null, (byte) 0, List.of(groupId))
            : new FindCoordinatorRequest(groupId, (byte) 0, List.of());
        FindCoordinatorResponse response;
        try {
            response = connection(any).send(request, version);
        } catch (IOException e) {
            dropConnection(any);
            throw e;
        }
        short error;
        String host;
        int port;
        if (version >= 4) {
            FindCoordinatorResponse.Coordinator c = response.coordinators().get(0);
            error = c.errorCode();
            host = c.host();
            port = c.port();
        } else {
            error = response.errorCode();
            host = response.host();
            port = response.port();
        }
        if (error != Errors.NONE.code()) {
            throw new IOException("No coordinator for group " + groupId + ": " + Errors.forCode(error));
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        coordinators.put(groupId, address);
        return address;
    }

    private void refreshMetadata() throws IOException {
        IOException last = null;
        List<InetSocketAddress> candidates = new ArrayList<>(brokers.values());
        candidates.addAll(bootstrap);
        for (InetSocketAddress address : candidates) {
            try {
                MetadataResponse response = send(address, new MetadataRequest(null, false, false, false));
                Map<Integer, InetSocketAddress> newBrokers = new HashMap<>();
                for (MetadataResponse.Broker b : response.brokers()) {
                    newBrokers.put(b.nodeId(), new InetSocketAddress(b.host(), b.port()));
                }
                Map<TopicPartition, Integer> newLeaders = new HashMap<>();
                for (MetadataResponse.Topic t : response.topics()) {
                    if (t.errorCode() != Errors.NONE.code() || t.isInternal() || t.name() == null) {
                        continue;
                    }
                    for (MetadataResponse.Topic.Partition p : t.partitions()) {
                        if (p.leaderId() >= 0 && newBrokers.containsKey(p.leaderId())) {
                            newLeaders.put(new TopicPartition(t.name(), p.partitionIndex()), p.leaderId());
                        }
                    }
                }
                brokers = Map.copyOf(newBrokers);
                leaders = Map.copyOf(newLeaders);
                Set<InetSocketAddress> known = Set.copyOf(newBrokers.values());
                new ArrayList<>(connections.keySet()).stream()
                    .filter(a -> !known.contains(a) && !bootstrap.contains(a)).forEach(this::dropConnection);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("No broker answered Metadata (tried " + candidates + ")", last);
    }

    private InetSocketAddress anyBroker() throws IOException {
        if (brokers.isEmpty()) {
            refreshMetadata();
        }
        return brokers.values().iterator().next();
    }

    private <R extends io.sluice.protocol.ApiMessage> R send(InetSocketAddress address,
                                                             io.sluice.protocol.ApiMessage request) throws IOException {
        try {
            return connection(address).send(request);
        } catch (IOException e) {
            dropConnection(address);
            throw e;
        }
    }

    private KafkaConnection connection(InetSocketAddress address) throws IOException {
        KafkaConnection c = connections.get(address);
        if (c == null || !c.isOpen()) {
            InetSocketAddress resolved = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
            c = KafkaConnection.open(resolved, settings);
            connections.put(address, c);
        }
        return c;
    }

    private void dropConnection(InetSocketAddress address) {
        KafkaConnection c = connections.remove(address);
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        connections.values().forEach(KafkaConnection::close);
        connections.clear();
    }
}
