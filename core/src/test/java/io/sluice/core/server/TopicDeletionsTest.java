package io.sluice.core.server;

import static io.sluice.core.metadata.TestImages.broker;
import static io.sluice.core.metadata.TestImages.image;
import static io.sluice.core.metadata.TestImages.led;
import static io.sluice.core.metadata.TestImages.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.group.OffsetsTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which topics an image change deletes, as the group coordinator is told (it drops their offsets). */
class TopicDeletionsTest {
    private static final Uuid ORDERS_ID = Uuid.randomUuid();
    private static final TopicImage ORDERS = topic("orders", ORDERS_ID, led(List.of(0), 0, 1, List.of(0)));
    private static final TopicImage PAYMENTS = topic("payments", Uuid.randomUuid(), led(List.of(0), 0, 1, List.of(0)));
    private static final TopicImage OFFSETS = topic(OffsetsTopic.NAME, Uuid.randomUuid(), led(List.of(0), 0, 1, List.of(0)));

    private static ClusterImage with(Set<String> pending, TopicImage... topics) {
        return image(List.of(broker(0)), 0, List.of(topics), pending);
    }

    @Test
    void pendingDeletionsRemovedTopicsAndRecreatedTopicsAreDeleted() {
        ClusterImage all = with(Set.of(), ORDERS, PAYMENTS, OFFSETS);
        assertEquals(Set.of(), GroupCoordinatorAdapters.deletedTopics(all, all));
        assertEquals(Set.of("orders"), GroupCoordinatorAdapters.deletedTopics(all, with(Set.of("orders"), ORDERS, PAYMENTS,
            OFFSETS)));
        assertEquals(Set.of("orders"), GroupCoordinatorAdapters.deletedTopics(all, with(Set.of(), PAYMENTS)),
            "__consumer_offsets itself is never reported");
        TopicImage recreated = topic("orders", Uuid.randomUuid(), led(List.of(0), 0, 1, List.of(0)));
        assertEquals(Set.of("orders"), GroupCoordinatorAdapters.deletedTopics(all, with(Set.of(), recreated, PAYMENTS,
            OFFSETS)));
    }

    @Test
    void theListenerHearsOfEachChangeOfTheDeletedSetOnce() {
        List<Set<String>> heard = new ArrayList<>();
        ClusterImage all = with(Set.of(), ORDERS, PAYMENTS, OFFSETS);
        GroupCoordinatorAdapters.TopicDeletions deletions = new GroupCoordinatorAdapters.TopicDeletions(all, heard::add);
        assertEquals(List.of(), heard, "nothing deleted at start: nothing to say");
        deletions.onImageApplied(with(Set.of("orders"), ORDERS, PAYMENTS, OFFSETS));
        deletions.onImageApplied(with(Set.of("orders"), ORDERS, PAYMENTS, OFFSETS));
        deletions.onImageApplied(with(Set.of(), PAYMENTS, OFFSETS));        // deletion finished
        deletions.onImageApplied(with(Set.of(), PAYMENTS, OFFSETS));
        assertEquals(List.of(Set.of("orders"), Set.of()), heard);
    }

    @Test
    void commitsToATopicBeingDeletedAreRefused() {
        ClusterImage pending = with(Set.of("orders"), ORDERS, PAYMENTS, OFFSETS);
        var exists = GroupCoordinatorAdapters.partitionExists(() -> pending);
        assertFalse(exists.test("orders", 0));
        assertTrue(exists.test("payments", 0));
        assertFalse(exists.test("payments", 1));
    }
}
