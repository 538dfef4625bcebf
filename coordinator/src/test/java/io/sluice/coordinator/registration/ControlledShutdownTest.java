package io.sluice.coordinator.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControlledShutdownTest {

    private static PartitionImage p(int leader, List<Integer> isr) {
        return new PartitionImage(List.of(1, 2, 3), Optional.of(new PartitionState(leader, 1, isr, 1, 1)));
    }

    private static ClusterImage image(Set<Integer> live, Set<Integer> shuttingDown) {
        Map<Integer, BrokerInfo> brokers = new HashMap<>();
        live.forEach(b -> brokers.put(b, new BrokerInfo(b,
            List.of(new BrokerEndpoint("PLAINTEXT", "h", 9000 + b, "PLAINTEXT")), Optional.empty(), b)));
        TopicImage t = new TopicImage("t", Uuid.randomUuid(), Map.of(
            0, p(1, List.of(1, 2)),          // movable to 2 (if 2 is live and not shutting down)
            1, p(1, List.of(1)),             // led alone: stays
            2, p(2, List.of(2, 1)),          // led by someone else
            3, p(1, List.of(1, 3))), Map.of(), 0);
        TopicImage doomed = new TopicImage("doomed", Uuid.randomUuid(), Map.of(0, p(1, List.of(1, 2))), Map.of(), 0);
        return new ClusterImage(Optional.empty(), brokers, 1, 1, Map.of("t", t, "doomed", doomed), Set.of("doomed"),
            shuttingDown, Map.of(), Map.of());
    }

    @Test
    void onlyLeadershipsAnotherLiveIsrMemberCanTakeBlock() {
        assertEquals(List.of(new PartitionRef("t", 0), new PartitionRef("t", 3)),
            ControlledShutdown.partitionsBlockingShutdown(image(Set.of(1, 2, 3), Set.of(1)), 1));
        assertEquals(List.of(new PartitionRef("t", 0)),
            ControlledShutdown.partitionsBlockingShutdown(image(Set.of(1, 2), Set.of(1)), 1));
    }

    @Test
    void isrMembersShuttingDownToo() {
        assertEquals(List.of(new PartitionRef("t", 3)),
            ControlledShutdown.partitionsBlockingShutdown(image(Set.of(1, 2, 3), Set.of(1, 2)), 1));
        assertEquals(List.of(), ControlledShutdown.partitionsBlockingShutdown(image(Set.of(1, 2, 3), Set.of(1, 2, 3)), 1));
    }
}
