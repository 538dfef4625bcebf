package io.sluice.core.metadata;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.core.metadata.TopicAdmin.CreatedTopic;
import io.sluice.core.metadata.TopicAdmin.NewTopic;
import io.sluice.core.metadata.TopicAutoCreator.AutoCreation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicAdminIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private static <T> ApiException failure(CompletableFuture<T> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(ApiException.class, e.getCause());
    }

    @Test
    void autoCreationCreatesOnceAndThenSaysLeaderNotAvailable() throws Exception {
        TopicAdmin admin = zk.start(options().prop("num.partitions", "2"));
        AutoCreation first = admin.autoCreate("lazy");
        Uuid id = assertInstanceOf(AutoCreation.Created.class, first).topicId();
        assertEquals(id, zk.store.readTopicAssignment("lazy").orElseThrow().value().topicId());
        assertEquals(2, zk.store.readTopicAssignment("lazy").orElseThrow().value().partitionCount());
        AutoCreation second = admin.autoCreate("lazy");
        assertEquals(Errors.LEADER_NOT_AVAILABLE, assertInstanceOf(AutoCreation.Refused.class, second).error());
    }

    @Test
    void autoCreationIsRefusedWhenDisabled() throws Exception {
        TopicAdmin admin = zk.start(options().prop("auto.create.topics.enable", "false"));
        AutoCreation.Refused refused = assertInstanceOf(AutoCreation.Refused.class, admin.autoCreate("nope"));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, refused.error());
        assertTrue(refused.message().contains("auto.create.topics.enable"), refused.message());
    }

    @Test
    void aTopicMarkedForDeletionCannotBeRecreatedOrGrownYet() throws Exception {
        TopicAdmin admin = zk.start(options().withoutController());
        zk.store.createTopic("leaving", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        zk.store.markTopicForDeletion("leaving");
        zk.awaitImage("marked", image -> image.isPendingDeletion("leaving"));
        ApiException exists = failure(admin.createTopic(NewTopic.withDefaults("leaving"), false, 0));
        assertEquals(Errors.TOPIC_ALREADY_EXISTS, exists.error());
        assertTrue(exists.getMessage().contains("marked for deletion"), exists.getMessage());
        ApiException grow = failure(admin.createPartitions("leaving", 2, null, false, 0));
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION, grow.error());
    }

    @Test
    void leadersAreSpreadOverTheLiveBrokers() throws Exception {
        TopicAdmin admin = zk.start(options().brokers(1, 2, 3));
        CreatedTopic created = admin.createTopic(new NewTopic("spread", 6, 2, List.of(), Map.of()), false, 10_000)
            .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> preferredLeaders = created.assignment().values().stream()
            .collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
        assertEquals(Map.of(1, 2L, 2, 2L, 3, 2L), preferredLeaders);
        created.assignment().values().forEach(r -> assertEquals(2, new HashSet<>(r).size()));
        assertEquals(created.assignment(), zk.store.readTopicAssignment("spread").orElseThrow().value().replicas());
    }

    @Test
    void replicasSpanRacksWhenBrokersHaveThem() throws Exception {
        TopicAdmin admin = zk.start(options().brokers(1, 2, 3, 4).racks(Map.of(1, "a", 2, "a", 3, "b", 4, "b")));
        CreatedTopic created = admin.createTopic(new NewTopic("racked", 8, 2, List.of(), Map.of()), false, 10_000)
            .get(30, TimeUnit.SECONDS);
        Map<Integer, String> rack = Map.of(1, "a", 2, "a", 3, "b", 4, "b");
        created.assignment().values().forEach(r ->
            assertEquals(Set.of("a", "b"), r.stream().map(rack::get).collect(Collectors.toSet()), r.toString()));
    }

    @Test
    void validateOnlyTouchesNoZnode() throws Exception {
        TopicAdmin admin = zk.start();
        CreatedTopic planned = admin.createTopic(new NewTopic("plan", 3, 1, List.of(), Map.of("retention.ms", "5")),
            true, 10_000).get(30, TimeUnit.SECONDS);
        assertEquals(3, planned.numPartitions());
        assertEquals(Uuid.ZERO, planned.topicId());
        assertEquals(Map.of("retention.ms", "5"), planned.configs());
        assertTrue(zk.store.topicNames().isEmpty());
        assertTrue(zk.store.readTopicConfigVersioned("plan").isEmpty());
    }
}
