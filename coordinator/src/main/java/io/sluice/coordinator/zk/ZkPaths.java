package io.sluice.coordinator.zk;

import java.util.Arrays;
import java.util.List;

/**
 * Every znode path Sluice reads or writes, in one place. The layout is Kafka's ZooKeeper-mode layout (so
 * Kafka-era operator tooling can read it), plus {@link #CONTROLLER_ELECTION}, the Curator LeaderLatch's own
 * directory. Paths are relative to the chroot of {@code zookeeper.connect}.
 *
 * <pre>
 * /cluster/id                                    persistent  {"version":"1","id":"&lt;base64 uuid&gt;"}
 * /brokers/ids/&lt;id&gt;                              ephemeral   broker registration (czxid = broker epoch)
 * /brokers/seqid                                 persistent  (broker id generation; unused so far)
 * /brokers/topics/&lt;topic&gt;                        persistent  replica assignment and topic id
 * /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state persistent  leader, leader epoch, ISR (data version = zkVersion)
 * /controller                                    ephemeral   {"version":1,"brokerid":N,"timestamp":"ms"}
 * /controller_epoch                              persistent  plain integer; data version = fencing token
 * /controller_election/...                       ephemeral sequential LeaderLatch nodes
 * /config/topics/&lt;topic&gt;                         persistent  {"version":1,"config":{...}} (overrides only)
 * /config/brokers/&lt;id&gt;                           persistent  dynamic broker config (same shape)
 * /config/changes/config_change_&lt;seq&gt;            persistent sequential change notifications
 * /admin/delete_topics/&lt;topic&gt;                   persistent  empty marker: delete this topic
 * /admin/delete_topics/&lt;topic&gt;/&lt;brokerId&gt;        persistent  {"version":1,"topic_id":"&lt;base64&gt;"}: that broker
 *                                                            deleted its replicas of the topic (Sluice only)
 * /admin/stray_replicas/&lt;brokerId&gt;/&lt;topic&gt;       persistent  {"version":1,"topic_id":"&lt;base64&gt;"}: the topic was
 *                                                            deleted while that broker was down; it must delete its
 *                                                            logs of the topic before hosting anything (Sluice only)
 * /admin/controlled_shutdown/&lt;brokerId&gt;           ephemeral   {"version":1,"broker_epoch":N}: the broker is shutting
 *                                                            down; the controller moves its leadership away (Sluice
 *                                                            only; Kafka used the ControlledShutdown RPC)
 * /admin/elect_leaders/request_&lt;seq&gt;             persistent sequential ElectLeaders request, answered in place by
 *                                                            the controller (Sluice only; see ZkJson)
 * /latest_producer_id_block                      persistent  last producer-id block handed out
 * </pre>
 *
 * <p>Kafka's {@code /admin/preferred_replica_election} (one znode, one request at a time) and
 * {@code /admin/reassign_partitions} are not used: elections go through the sequential request znodes above, so
 * several brokers can submit at once, and reassignments are recorded in the topic znode's
 * {@code adding_replicas}/{@code removing_replicas}, as Kafka 2.4+ does.
 *
 * <p>Thread-safe: constants and pure functions only.
 */
public final class ZkPaths {
    public static final String CLUSTER = "/cluster";
    public static final String CLUSTER_ID = "/cluster/id";
    public static final String BROKERS = "/brokers";
    public static final String BROKER_IDS = "/brokers/ids";
    public static final String BROKER_TOPICS = "/brokers/topics";
    public static final String BROKER_SEQID = "/brokers/seqid";
    public static final String CONTROLLER = "/controller";
    public static final String CONTROLLER_EPOCH = "/controller_epoch";
    /** Curator LeaderLatch directory for the controller election (not a Kafka path). */
    public static final String CONTROLLER_ELECTION = "/controller_election";
    public static final String CONFIG = "/config";
    public static final String CONFIG_TOPICS = "/config/topics";
    public static final String CONFIG_BROKERS = "/config/brokers";
    public static final String CONFIG_CHANGES = "/config/changes";
    /** Prefix of the persistent-sequential change notification nodes; ZooKeeper appends 10 digits. */
    public static final String CONFIG_CHANGE_PREFIX = CONFIG_CHANGES + "/config_change_";
    public static final String ADMIN = "/admin";
    public static final String ADMIN_DELETE_TOPICS = "/admin/delete_topics";
    public static final String ADMIN_STRAY_REPLICAS = "/admin/stray_replicas";
    public static final String ADMIN_CONTROLLED_SHUTDOWN = "/admin/controlled_shutdown";
    public static final String ADMIN_ELECT_LEADERS = "/admin/elect_leaders";
    /** Prefix of the persistent-sequential election requests; ZooKeeper appends 10 digits. */
    public static final String ELECT_LEADERS_REQUEST_PREFIX = ADMIN_ELECT_LEADERS + "/request_";
    public static final String LATEST_PRODUCER_ID_BLOCK = "/latest_producer_id_block";

    /**
     * Persistent directories every broker ensures at startup (Kafka does the same), so that recipes never
     * create them implicitly and watchers always have a parent to watch.
     */
    public static final List<String> PERSISTENT_PATHS = List.of(
        BROKER_IDS, BROKER_TOPICS, BROKER_SEQID, CONFIG_TOPICS, CONFIG_BROKERS, CONFIG_CHANGES,
        ADMIN_DELETE_TOPICS, ADMIN_STRAY_REPLICAS, ADMIN_CONTROLLED_SHUTDOWN, ADMIN_ELECT_LEADERS,
        LATEST_PRODUCER_ID_BLOCK);

    private ZkPaths() {
    }

    public static String brokerId(int brokerId) {
        return BROKER_IDS + "/" + brokerIdSegment(brokerId);
    }

    private static String brokerIdSegment(int brokerId) {
        if (brokerId < 0) {
            throw new IllegalArgumentException("Broker id must be >= 0, got " + brokerId);
        }
        return Integer.toString(brokerId);
    }

    public static String topic(String topic) {
        return BROKER_TOPICS + "/" + requireSafeName(topic);
    }

    public static String topicPartitions(String topic) {
        return topic(topic) + "/partitions";
    }

    public static String partition(String topic, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("Partition must be >= 0, got " + partition + " for topic " + topic);
        }
        return topicPartitions(topic) + "/" + partition;
    }

    public static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    public static String topicConfig(String topic) {
        return CONFIG_TOPICS + "/" + requireSafeName(topic);
    }

    public static String brokerConfig(String entity) {
        return CONFIG_BROKERS + "/" + requireSafeName(entity);
    }

    public static String deleteTopicMarker(String topic) {
        return ADMIN_DELETE_TOPICS + "/" + requireSafeName(topic);
    }

    /** A broker's confirmation that it deleted its replicas of a topic marked for deletion. */
    public static String deleteTopicConfirmation(String topic, int brokerId) {
        return deleteTopicMarker(topic) + "/" + brokerIdSegment(brokerId);
    }

    /** The stray-replica records of one broker. */
    public static String strayReplicas(int brokerId) {
        return ADMIN_STRAY_REPLICAS + "/" + brokerIdSegment(brokerId);
    }

    public static String strayReplica(int brokerId, String topic) {
        return strayReplicas(brokerId) + "/" + requireSafeName(topic);
    }

    public static String controlledShutdown(int brokerId) {
        return ADMIN_CONTROLLED_SHUTDOWN + "/" + brokerIdSegment(brokerId);
    }

    public static String electLeadersRequest(String name) {
        return ADMIN_ELECT_LEADERS + "/" + requireSafeName(name);
    }

    /** The entity path written into a config change notification for a topic: {@code topics/<topic>}. */
    public static String topicEntityPath(String topic) {
        return "topics/" + requireSafeName(topic);
    }

    /** The non-empty segments of an absolute path: {@code /brokers/topics/t} gives {@code [brokers, topics, t]}. */
    public static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /** The last segment of a path. */
    public static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /**
     * Rejects names that would change the meaning of a path (a slash, {@code .}, {@code ..}, empty). Full topic
     * name rules (legal characters, length) belong to the broker; this only keeps paths well-formed.
     */
    public static String requireSafeName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Not usable as a znode name: '" + name + "'");
        }
        return name;
    }
}
