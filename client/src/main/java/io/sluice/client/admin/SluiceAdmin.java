package io.sluice.client.admin;

import io.sluice.client.ClientConfigs;
import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.Metadata;
import io.sluice.client.metadata.TopicInfo;
import io.sluice.client.network.NetworkClient;
import io.sluice.client.network.RequestBuilder;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigType;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Sluice's admin client: topics, partitions, configs, offsets, records and consumer groups, over the Kafka
 * protocol, against Sluice or Apache Kafka brokers.
 *
 * <p>Every operation returns a {@link CompletableFuture} and is routed to the broker that must answer it: the
 * controller for topic creation, deletion and partition increases, the partition leader for ListOffsets and
 * DeleteRecords, the group coordinator (found with FindCoordinator) for group operations, any broker
 * otherwise. Retriable errors (NOT_CONTROLLER, NOT_LEADER_OR_FOLLOWER, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, lost connections, ...) refresh the routing and retry after
 * {@code retry.backoff.ms}, until {@code default.api.timeout.ms} has passed. A failed operation completes
 * exceptionally with an {@link ApiException} naming the error; when several items fail, the first one's error
 * is reported and the message lists them all.
 *
 * <p>Futures complete on the client's network thread: do not block in callbacks chained with
 * {@code thenApply} and friends (use the {@code *Async} variants).
 *
 * <h2>Threads</h2>
 * Thread-safe: one instance can be shared by any number of threads.
 */
public final class SluiceAdmin implements AutoCloseable {
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";

    private static final ConfigDef CONFIG = ClientConfigs.common(30_000)
        .define(DEFAULT_API_TIMEOUT_MS, ConfigType.INT, 60_000, ConfigDef.atLeast(1),
            "Bound on each admin operation, retries included");

    private final NetworkClient network;
    private final Metadata metadata;
    private final long apiTimeoutMs;
    private final long retryBackoffMs;
    private final Map<String, Node> coordinators = new ConcurrentHashMap<>();

    private SluiceAdmin(ConfigDef.Values config) {
        this.network = new NetworkClient(ClientConfigs.networkSettings(config, "sluice-admin", 1));
        this.metadata = new Metadata(network, ClientConfigs.bootstrapNodes(config.getList(ClientConfigs.BOOTSTRAP_SERVERS)),
            config.getLong(ClientConfigs.METADATA_MAX_AGE_MS), config.getLong(ClientConfigs.RETRY_BACKOFF_MS));
        this.apiTimeoutMs = config.getInt(DEFAULT_API_TIMEOUT_MS);
        this.retryBackoffMs = config.getLong(ClientConfigs.RETRY_BACKOFF_MS);
    }

    /** Creates a client from Kafka-named properties; unknown keys are refused with a ConfigException. */
    public static SluiceAdmin create(Map<String, ?> config) {
        return new SluiceAdmin(ClientConfigs.parse(CONFIG, config, "admin"));
    }

    public static SluiceAdmin create(Properties config) {
        return create(ClientConfigs.toMap(config));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configuration keys this client accepts. */
    public static Set<String> configNames() {
        return CONFIG.names();
    }

    /** A typed way to the same settings as the property names. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> config = new LinkedHashMap<>();

        public Builder bootstrapServers(String servers) {
            return config(ClientConfigs.BOOTSTRAP_SERVERS, servers);
        }

        public Builder clientId(String clientId) {
            return config(ClientConfigs.CLIENT_ID, clientId);
        }

        public Builder requestTimeout(Duration timeout) {
            return config(ClientConfigs.REQUEST_TIMEOUT_MS, (int) timeout.toMillis());
        }

        public Builder defaultApiTimeout(Duration timeout) {
            return config(DEFAULT_API_TIMEOUT_MS, (int) timeout.toMillis());
        }

        public Builder retryBackoff(Duration backoff) {
            return config(ClientConfigs.RETRY_BACKOFF_MS, backoff.toMillis());
        }

        /** Any supported key by its Kafka name. */
        public Builder config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        public SluiceAdmin build() {
            return create(config);
        }
    }

    // ------------------------------------------------------------------ topics

    /** Creates the topics (on the controller); fails if any could not be created. */
    public CompletableFuture<Void> createTopics(Collection<NewTopic> topics) {
        List<CreateTopicsRequest.Topic> list = topics.stream().map(t -> new CreateTopicsRequest.Topic(t.name(),
            t.replicaAssignment().isEmpty() ? t.partitions() : -1,
            t.replicaAssignment().isEmpty() ? t.replicationFactor() : -1,
            indexed(t.replicaAssignment()),
            t.configs().entrySet().stream().map(e -> new CreateTopicsRequest.Topic.Config(e.getKey(), e.getValue())).toList()))
            .toList();
        return this.<CreateTopicsResponse, Void>call("CreateTopics", this::controller, ApiKey.CREATE_TOPICS,
            v -> new CreateTopicsRequest(list, (int) apiTimeoutMs, false), (r, node) -> {
                Failures failures = new Failures("CreateTopics");
                for (CreateTopicsResponse.Topic t : r.topics()) {
                    failures.add(t.name(), t.errorCode(), t.errorMessage());
                }
                failures.throwIfAny();
                return null;
            });
    }

    private static List<CreateTopicsRequest.Topic.Assignment> indexed(List<List<Integer>> assignment) {
        List<CreateTopicsRequest.Topic.Assignment> out = new ArrayList<>();
        for (int i = 0; i < assignment.size(); i++) {
            out.add(new CreateTopicsRequest.Topic.Assignment(i, assignment.get(i)));
        }
        return out;
    }

    /** Deletes the topics by name (on the controller). */
    public CompletableFuture<Void> deleteTopics(Collection<String> names) {
        List<String> list = List.copyOf(names);
        return this.<DeleteTopicsResponse, Void>call("DeleteTopics", this::controller, ApiKey.DELETE_TOPICS,
            v -> v >= 6
                ? new DeleteTopicsRequest(list.stream().map(n -> new DeleteTopicsRequest.Topic(n, io.sluice.common.Uuid.ZERO)).toList(),
                    List.of(), (int) apiTimeoutMs)
                : new DeleteTopicsRequest(List.of(), list, (int) apiTimeoutMs),
            (r, node) -> {
                Failures failures = new Failures("DeleteTopics");
                for (DeleteTopicsResponse.Response t : r.responses()) {
                    failures.add(t.name(), t.errorCode(), t.errorMessage());
                }
                failures.throwIfAny();
                return null;
            });
    }

    /** Names of all topics, without internal ones (such as __consumer_offsets) unless asked. */
    public CompletableFuture<Set<String>> listTopics(boolean includeInternal) {
        return this.<MetadataResponse, Set<String>>call("ListTopics", this::anyNode, ApiKey.METADATA,
            v -> metadataRequest(null, v), (r, node) -> {
                Set<String> names = new TreeSet<>();
                for (MetadataResponse.Topic t : r.topics()) {
                    if (t.name() != null && (includeInternal || !t.isInternal())) {
                        names.add(t.name());
                    }
                }
                return names;
            });
    }

    public CompletableFuture<Set<String>> listTopics() {
        return listTopics(false);
    }

    /** Partitions, leaders and replicas of the topics; fails with UNKNOWN_TOPIC_OR_PARTITION for a missing one. */
    public CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> names) {
        List<String> list = List.copyOf(names);
        return this.<MetadataResponse, Map<String, TopicDescription>>call("DescribeTopics", this::anyNode,
            ApiKey.METADATA, v -> metadataRequest(list, v), (r, node) -> {
                Cluster c = Cluster.from(r);
                Failures failures = new Failures("DescribeTopics");
                Map<String, TopicDescription> out = new LinkedHashMap<>();
                for (String name : list) {
                    TopicInfo t = c.topics().get(name);
                    if (t == null) {
                        failures.add(name, Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), null);
                    } else if (t.error() == Errors.LEADER_NOT_AVAILABLE) {
                        throw new ApiException(t.error(), "Topic " + name + " has no leader yet");
                    } else {
                        failures.add(name, t.error().code(), null);
                        out.put(name, new TopicDescription(name, t.topicId(), t.internal(), t.partitions()));
                    }
                }
                failures.throwIfAny(Errors.UNKNOWN_TOPIC_OR_PARTITION);
                return out;
            });
    }

    /** Raises the partition counts of topics to the given totals (on the controller). */
    public CompletableFuture<Void> createPartitions(Map<String, Integer> totalCounts) {
        List<CreatePartitionsRequest.Topic> list = totalCounts.entrySet().stream()
            .map(e -> new CreatePartitionsRequest.Topic(e.getKey(), e.getValue(), null)).toList();
        return this.<CreatePartitionsResponse, Void>call("CreatePartitions", this::controller, ApiKey.CREATE_PARTITIONS,
            v -> new CreatePartitionsRequest(list, (int) apiTimeoutMs, false), (r, node) -> {
                Failures failures = new Failures("CreatePartitions");
                for (CreatePartitionsResponse.Result t : r.results()) {
                    failures.add(t.name(), t.errorCode(), t.errorMessage());
                }
                failures.throwIfAny();
                return null;
            });
    }

    // ------------------------------------------------------------------ configs

    /** All config entries of each resource; broker resources are asked of that broker. */
    public CompletableFuture<Map<ConfigResource, Map<String, ConfigEntry>>> describeConfigs(
            Collection<ConfigResource> resources) {
        Map<ConfigResource, Map<String, ConfigEntry>> out = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<IntTarget, List<ConfigResource>> e : byTarget(resources).entrySet()) {
            List<DescribeConfigsRequest.Resource> list = e.getValue().stream()
                .map(r -> new DescribeConfigsRequest.Resource(r.type().id, r.name(), null)).toList();
            parts.add(this.<DescribeConfigsResponse, Void>call("DescribeConfigs", e.getKey().resolver(),
                ApiKey.DESCRIBE_CONFIGS, v -> new DescribeConfigsRequest(list, false, false), (r, node) -> {
                    Failures failures = new Failures("DescribeConfigs");
                    for (DescribeConfigsResponse.Result result : r.results()) {
                        failures.add(result.resourceName(), result.errorCode(), result.errorMessage());
                        Map<String, ConfigEntry> entries = new TreeMap<>();
                        for (DescribeConfigsResponse.Result.Config c : result.configs()) {
                            entries.put(c.name(), new ConfigEntry(c.name(), c.value(),
                                ConfigEntry.Source.forId(c.configSource()), c.readOnly(), c.isSensitive()));
                        }
                        out.put(new ConfigResource(ConfigResource.Type.forId(result.resourceType()),
                            result.resourceName()), entries);
                    }
                    failures.throwIfAny();
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> Map.copyOf(out));
    }

    /** Sets, deletes, appends to or subtracts from config values, per resource. */
    public CompletableFuture<Void> incrementalAlterConfigs(Map<ConfigResource, List<AlterConfigOp>> changes) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<IntTarget, List<ConfigResource>> e : byTarget(changes.keySet()).entrySet()) {
            List<IncrementalAlterConfigsRequest.Resource> list = e.getValue().stream()
                .map(r -> new IncrementalAlterConfigsRequest.Resource(r.type().id, r.name(), changes.get(r).stream()
                    .map(op -> new IncrementalAlterConfigsRequest.Resource.Config(op.name(), op.op().id, op.value()))
                    .toList()))
                .toList();
            parts.add(this.<IncrementalAlterConfigsResponse, Void>call("IncrementalAlterConfigs",
                e.getKey().resolver(), ApiKey.INCREMENTAL_ALTER_CONFIGS,
                v -> new IncrementalAlterConfigsRequest(list, false), (r, node) -> {
                    Failures failures = new Failures("IncrementalAlterConfigs");
                    for (IncrementalAlterConfigsResponse.Response x : r.responses()) {
                        failures.add(x.resourceName(), x.errorCode(), x.errorMessage());
                    }
                    failures.throwIfAny();
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** Where a config request goes: -1 any broker, else that broker. */
    private record IntTarget(int brokerId, SluiceAdmin admin) {
        IntFunction<CompletableFuture<Node>> resolver() {
            return brokerId < 0 ? admin::anyNode : attempt -> admin.broker(brokerId);
        }
    }

    private Map<IntTarget, List<ConfigResource>> byTarget(Collection<ConfigResource> resources) {
        Map<IntTarget, List<ConfigResource>> out = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            int broker = -1;
            if (r.type() == ConfigResource.Type.BROKER && !r.name().isEmpty()) {
                try {
                    broker = Integer.parseInt(r.name());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("A broker resource is named by the broker id: " + r.name());
                }
            }
            out.computeIfAbsent(new IntTarget(broker, this), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private CompletableFuture<Node> broker(int id) {
        return metadata.fetch(List.of()).thenApply(r -> Cluster.from(r).node(id)
            .orElseThrow(() -> new ApiException(Errors.BROKER_NOT_AVAILABLE, "Broker " + id + " is not in the cluster")));
    }

    // ------------------------------------------------------------------ cluster

    public CompletableFuture<ClusterDescription> describeCluster() {
        return this.<DescribeClusterResponse, ClusterDescription>call("DescribeCluster", this::anyNode,
            ApiKey.DESCRIBE_CLUSTER, v -> new DescribeClusterRequest(false, (byte) 1), (r, node) -> {
                Errors error = Errors.forCode(r.errorCode());
                if (error != Errors.NONE) {
                    throw new ApiException(error, "DescribeCluster: " + (r.errorMessage() != null ? r.errorMessage() : error));
                }
                List<Node> nodes = r.brokers().stream().map(b -> new Node(b.brokerId(), b.host(), b.port(), b.rack()))
                    .sorted(Comparator.comparingInt(Node::id)).toList();
                return new ClusterDescription(r.clusterId(), nodes,
                    nodes.stream().filter(n -> n.id() == r.controllerId()).findFirst());
            });
    }

    // ------------------------------------------------------------------ offsets and records

    /** Offsets by spec, each asked of its partition's leader. */
    public CompletableFuture<Map<TopicPartition, ListedOffset>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
        Map<TopicPartition, ListedOffset> out = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<TopicPartition, OffsetSpec> e : specs.entrySet()) {
            TopicPartition tp = e.getKey();
            long ts = e.getValue().timestamp();
            parts.add(this.<ListOffsetsResponse, Void>call("ListOffsets " + tp, attempt -> leader(tp, attempt),
                ApiKey.LIST_OFFSETS, v -> {
                    if (ts == OffsetSpec.MAX_TIMESTAMP && v < 7) {
                        throw new ApiException(Errors.UNSUPPORTED_VERSION, "The broker does not support max-timestamp lookups");
                    }
                    return new ListOffsetsRequest(-1, (byte) 0, List.of(new ListOffsetsRequest.Topic(tp.topic(),
                        List.of(new ListOffsetsRequest.Topic.Partition(tp.partition(), -1, ts)))));
                }, (r, node) -> {
                    ListOffsetsResponse.Topic.Partition p = r.topics().get(0).partitions().get(0);
                    Errors error = Errors.forCode(p.errorCode());
                    if (error != Errors.NONE) {
                        throw new ApiException(error, "ListOffsets " + tp + ": " + error.message());
                    }
                    out.put(tp, new ListedOffset(p.offset(), p.timestamp(), p.leaderEpoch()));
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> Map.copyOf(out));
    }

    /**
     * Deletes the records before the given offsets (-1: up to the high watermark), on each leader; answers the
     * new log start offset (low watermark) of each partition.
     */
    public CompletableFuture<Map<TopicPartition, Long>> deleteRecords(Map<TopicPartition, Long> beforeOffsets) {
        Map<TopicPartition, Long> out = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> e : beforeOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long offset = e.getValue();
            parts.add(this.<DeleteRecordsResponse, Void>call("DeleteRecords " + tp, attempt -> leader(tp, attempt),
                ApiKey.DELETE_RECORDS, v -> new DeleteRecordsRequest(List.of(new DeleteRecordsRequest.Topic(tp.topic(),
                    List.of(new DeleteRecordsRequest.Topic.Partition(tp.partition(), offset)))), (int) apiTimeoutMs),
                (r, node) -> {
                    DeleteRecordsResponse.Topic.Partition p = r.topics().get(0).partitions().get(0);
                    Errors error = Errors.forCode(p.errorCode());
                    if (error != Errors.NONE) {
                        throw new ApiException(error, "DeleteRecords " + tp + ": " + error.message());
                    }
                    out.put(tp, p.lowWatermark());
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> Map.copyOf(out));
    }

    // ------------------------------------------------------------------ consumer groups

    /** The groups of every broker. */
    public CompletableFuture<List<GroupListing>> listConsumerGroups() {
        return metadata.fetch(List.of()).thenCompose(r -> {
            List<Node> nodes = new ArrayList<>(Cluster.from(r).nodes().values());
            List<CompletableFuture<List<GroupListing>>> parts = new ArrayList<>();
            for (Node n : nodes) {
                parts.add(this.<ListGroupsResponse, List<GroupListing>>call("ListGroups",
                    attempt -> CompletableFuture.completedFuture(n), ApiKey.LIST_GROUPS,
                    v -> new ListGroupsRequest(List.of(), List.of()), (resp, node) -> {
                        Errors error = Errors.forCode(resp.errorCode());
                        if (error != Errors.NONE) {
                            throw new ApiException(error, "ListGroups on " + node + ": " + error.message());
                        }
                        return resp.groups().stream()
                            .map(g -> new GroupListing(g.groupId(), g.protocolType(), g.groupState())).toList();
                    }));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> parts.stream()
                .flatMap(p -> p.join().stream()).sorted(Comparator.comparing(GroupListing::groupId)).toList());
        });
    }

    public CompletableFuture<Map<String, GroupDescription>> describeConsumerGroups(Collection<String> groupIds) {
        Map<String, GroupDescription> out = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (String group : groupIds) {
            parts.add(this.<DescribeGroupsResponse, Void>call("DescribeGroups " + group,
                attempt -> coordinator(group, attempt), ApiKey.DESCRIBE_GROUPS,
                v -> new DescribeGroupsRequest(List.of(group), false), (r, node) -> {
                    DescribeGroupsResponse.Group g = r.groups().get(0);
                    Errors error = Errors.forCode(g.errorCode());
                    if (error != Errors.NONE) {
                        throw coordinatorError(group, error, "DescribeGroups");
                    }
                    List<GroupDescription.Member> members = g.members().stream()
                        .map(m -> new GroupDescription.Member(m.memberId(), m.groupInstanceId(), m.clientId(),
                            m.clientHost(), "consumer".equals(g.protocolType())
                                ? ConsumerProtocol.assignedPartitions(m.memberAssignment()) : List.of()))
                        .toList();
                    out.put(group, new GroupDescription(group, g.groupState(), g.protocolType(), g.protocolData(),
                        node, members));
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> Map.copyOf(out));
    }

    public CompletableFuture<Void> deleteConsumerGroups(Collection<String> groupIds) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (String group : groupIds) {
            parts.add(this.<DeleteGroupsResponse, Void>call("DeleteGroups " + group,
                attempt -> coordinator(group, attempt), ApiKey.DELETE_GROUPS,
                v -> new DeleteGroupsRequest(List.of(group)), (r, node) -> {
                    Errors error = Errors.forCode(r.results().get(0).errorCode());
                    if (error != Errors.NONE) {
                        throw coordinatorError(group, error, "DeleteGroups");
                    }
                    return null;
                }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** The committed offset of every partition the group has one for. */
    public CompletableFuture<Map<TopicPartition, Long>> listConsumerGroupOffsets(String group) {
        return this.<OffsetFetchResponse, Map<TopicPartition, Long>>call("OffsetFetch " + group,
            attempt -> coordinator(group, attempt), ApiKey.OFFSET_FETCH, v -> v >= 8
                ? new OffsetFetchRequest(List.of(new OffsetFetchRequest.Group(group, null, -1, null)), "", null, false)
                : new OffsetFetchRequest(List.of(), group, null, false),
            (r, node) -> {
                Map<TopicPartition, Long> out = new TreeMap<>();
                if (r.groups() != null && !r.groups().isEmpty()) {
                    OffsetFetchResponse.Group g = r.groups().get(0);
                    Errors error = Errors.forCode(g.errorCode());
                    if (error != Errors.NONE) {
                        throw coordinatorError(group, error, "OffsetFetch");
                    }
                    for (OffsetFetchResponse.Group.Topic t : g.topics()) {
                        for (OffsetFetchResponse.Group.Topic.Partition p : t.partitions()) {
                            checkPartition(t.name(), p.partitionIndex(), p.errorCode());
                            if (p.committedOffset() >= 0) {
                                out.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                            }
                        }
                    }
                } else {
                    Errors error = Errors.forCode(r.errorCode());
                    if (error != Errors.NONE) {
                        throw coordinatorError(group, error, "OffsetFetch");
                    }
                    for (OffsetFetchResponse.Topic t : r.topics()) {
                        for (OffsetFetchResponse.Topic.Partition p : t.partitions()) {
                            checkPartition(t.name(), p.partitionIndex(), p.errorCode());
                            if (p.committedOffset() >= 0) {
                                out.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                            }
                        }
                    }
                }
                return out;
            });
    }

    private static void checkPartition(String topic, int partition, short code) {
        Errors error = Errors.forCode(code);
        if (error != Errors.NONE) {
            throw new ApiException(error, "OffsetFetch " + topic + "-" + partition + ": " + error.message());
        }
    }

    /** Commits offsets for a group without active members (the group must be empty or not exist). */
    public CompletableFuture<Void> alterConsumerGroupOffsets(String group, Map<TopicPartition, Long> offsets) {
        Map<String, List<OffsetCommitRequest.Topic.Partition>> byTopic = new TreeMap<>();
        offsets.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
            .add(new OffsetCommitRequest.Topic.Partition(tp.partition(), offset, -1, "")));
        List<OffsetCommitRequest.Topic> topics = byTopic.entrySet().stream()
            .map(e -> new OffsetCommitRequest.Topic(e.getKey(), e.getValue())).toList();
        return this.<OffsetCommitResponse, Void>call("OffsetCommit " + group, attempt -> coordinator(group, attempt),
            ApiKey.OFFSET_COMMIT, v -> new OffsetCommitRequest(group, -1, "", null, -1L, topics), (r, node) -> {
                for (OffsetCommitResponse.Topic t : r.topics()) {
                    for (OffsetCommitResponse.Topic.Partition p : t.partitions()) {
                        Errors error = Errors.forCode(p.errorCode());
                        if (error != Errors.NONE) {
                            throw coordinatorError(group, error, "OffsetCommit " + t.name() + "-" + p.partitionIndex());
                        }
                    }
                }
                return null;
            });
    }

    private ApiException coordinatorError(String group, Errors error, String what) {
        if (error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE) {
            coordinators.remove(group);
        }
        return new ApiException(error, what + " for group " + group + ": " + error.message());
    }

    // ------------------------------------------------------------------ routing

    private CompletableFuture<Node> anyNode(int attempt) {
        return CompletableFuture.completedFuture(metadata.anyNode());
    }

    private CompletableFuture<Node> controller(int attempt) {
        if (attempt == 0) {
            var known = metadata.cluster().controller();
            if (known.isPresent()) {
                return CompletableFuture.completedFuture(known.get());
            }
        }
        return metadata.fetch(List.of()).thenApply(r -> Cluster.from(r).controller()
            .orElseThrow(() -> new ApiException(Errors.NOT_CONTROLLER, "No controller is known yet")));
    }

    private CompletableFuture<Node> leader(TopicPartition tp, int attempt) {
        if (attempt == 0) {
            var known = metadata.cluster().leaderFor(tp);
            if (known.isPresent()) {
                return CompletableFuture.completedFuture(known.get());
            }
        }
        return metadata.fetch(List.of(tp.topic())).thenApply(r -> {
            Cluster c = Cluster.from(r);
            TopicInfo t = c.topics().get(tp.topic());
            if (t == null || t.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION
                || (t.error() == Errors.NONE && tp.partition() >= t.partitions().size())) {
                throw new FinalException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Unknown topic or partition " + tp);
            }
            return c.leaderFor(tp).orElseThrow(() -> new ApiException(Errors.LEADER_NOT_AVAILABLE,
                "No leader for " + tp + " yet"));
        });
    }

    private CompletableFuture<Node> coordinator(String group, int attempt) {
        Node known = coordinators.get(group);
        if (known != null && attempt == 0) {
            return CompletableFuture.completedFuture(known);
        }
        return this.<FindCoordinatorResponse, Node>call("FindCoordinator " + group, this::anyNode,
            ApiKey.FIND_COORDINATOR, v -> v >= 4
                ? new FindCoordinatorRequest("", (byte) 0, List.of(group))
                : new FindCoordinatorRequest(group, (byte) 0, List.of()),
            (r, node) -> {
                Errors error;
                Node found;
                if (r.coordinators() != null && !r.coordinators().isEmpty()) {
                    FindCoordinatorResponse.Coordinator c = r.coordinators().get(0);
                    error = Errors.forCode(c.errorCode());
                    found = new Node(c.nodeId(), c.host(), c.port());
                } else {
                    error = Errors.forCode(r.errorCode());
                    found = new Node(r.nodeId(), r.host(), r.port());
                }
                if (error != Errors.NONE) {
                    throw new ApiException(error, "FindCoordinator for group " + group + ": " + error.message());
                }
                coordinators.put(group, found);
                return found;
            });
    }

    private static io.sluice.protocol.message.MetadataRequest metadataRequest(List<String> names, short version) {
        return new io.sluice.protocol.message.MetadataRequest(names == null ? null
            : names.stream().map(n -> new io.sluice.protocol.message.MetadataRequest.Topic(io.sluice.common.Uuid.ZERO, n))
                .toList(), false, false, false);
    }

    /** An error that must not be retried even if its code usually is. */
    private static final class FinalException extends ApiException {
        FinalException(Errors error, String message) {
            super(error, message);
        }

        @Override
        public boolean retriable() {
            return false;
        }
    }

    /**
     * Sends a request to the node {@code target} picks (given the attempt number) and turns the response into
     * a result with {@code handler}, which throws an ApiException for errors; retriable errors start another
     * attempt after the backoff, with fresh routing, until the API timeout.
     */
    private <R extends ApiMessage, T> CompletableFuture<T> call(String what, IntFunction<CompletableFuture<Node>> target,
                                                                ApiKey key, RequestBuilder builder,
                                                                BiFunction<R, Node, T> handler) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(apiTimeoutMs);
        attempt(what, target, key, builder, handler, result, deadlineNs, 0);
        return result;
    }

    private <R extends ApiMessage, T> void attempt(String what, IntFunction<CompletableFuture<Node>> target, ApiKey key,
                                                   RequestBuilder builder, BiFunction<R, Node, T> handler,
                                                   CompletableFuture<T> result, long deadlineNs, int attempt) {
        CompletableFuture<T> step;
        try {
            step = target.apply(attempt).thenCompose(node -> network.<R>send(node, key, key.latestVersion(), builder)
                .thenApply(response -> handler.apply(response, node)));
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        step.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            long leftNs = deadlineNs - System.nanoTime();
            boolean retriable = cause instanceof ApiException api && api.retriable();
            if (!retriable) {
                result.completeExceptionally(cause);
                return;
            }
            if (leftNs <= TimeUnit.MILLISECONDS.toNanos(retryBackoffMs)) {
                result.completeExceptionally(new ApiException(Errors.REQUEST_TIMED_OUT, what + " did not succeed within "
                    + apiTimeoutMs + " ms; last error: " + cause.getMessage(), cause));
                return;
            }
            metadata.requestUpdate();
            try {
                network.schedule(() -> attempt(what, target, key, builder, handler, result, deadlineNs, attempt + 1),
                    retryBackoffMs);
            } catch (RuntimeException closed) {
                result.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "The admin client is closed", closed));
            }
        });
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Per-item errors of one response. */
    private static final class Failures {
        private final String what;
        private final List<String> messages = new ArrayList<>();
        private Errors first;

        Failures(String what) {
            this.what = what;
        }

        void add(String item, short code, String message) {
            Errors error = Errors.forCode(code);
            if (error == Errors.NONE) {
                return;
            }
            if (first == null) {
                first = error;
            }
            messages.add(item + ": " + error + (message != null && !message.isEmpty() ? " (" + message + ")" : ""));
        }

        void throwIfAny(Errors... finalErrors) {
            if (first == null) {
                return;
            }
            String text = what + " failed for " + String.join("; ", messages);
            if (Set.of(finalErrors).contains(first)) {
                throw new FinalException(first, text);
            }
            throw new ApiException(first, text);
        }
    }

    @Override
    public void close() {
        metadata.close();
        network.close();
    }

    /** Decoding of the consumer protocol's assignment bytes (version, then topics with partition lists). */
    static final class ConsumerProtocol {
        private ConsumerProtocol() {
        }

        static List<TopicPartition> assignedPartitions(ByteBuffer bytes) {
            if (bytes == null || bytes.remaining() < 2) {
                return List.of();
            }
            ByteBuffer in = bytes.duplicate();
            try {
                in.getShort();
                int topics = in.getInt();
                List<TopicPartition> out = new ArrayList<>();
                for (int i = 0; i < topics; i++) {
                    byte[] name = new byte[in.getShort()];
                    in.get(name);
                    String topic = new String(name, StandardCharsets.UTF_8);
                    int n = in.getInt();
                    for (int j = 0; j < n; j++) {
                        out.add(new TopicPartition(topic, in.getInt()));
                    }
                }
                return out.stream().sorted().collect(Collectors.toList());
            } catch (RuntimeException malformed) {
                return List.of();
            }
        }
    }
}
