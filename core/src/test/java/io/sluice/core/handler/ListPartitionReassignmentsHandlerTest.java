package io.sluice.core.handler;

import static io.sluice.core.metadata.TestImages.broker;
import static io.sluice.core.metadata.TestImages.image;
import static io.sluice.core.metadata.TestImages.led;
import static io.sluice.core.metadata.TestImages.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.Errors;
import io.sluice.common.ThreadScheduler;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse.Topic.Partition;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListPartitionReassignmentsHandlerTest {
    private static final PartitionImage MOVING = new PartitionImage(List.of(4, 1, 2, 3), List.of(4), List.of(3),
        Optional.of(new PartitionState(1, 2, List.of(1, 2, 3), 1, 0)));
    private final ClusterImage image = image(List.of(broker(1), broker(2), broker(3), broker(4)), 1, List.of(
        topic("a", Uuid.randomUuid(), led(List.of(1, 2, 3), 1, 0, List.of(1, 2, 3)), MOVING),
        topic("b", Uuid.randomUuid(), MOVING),
        topic("quiet", Uuid.randomUuid(), led(List.of(1), 1, 0, List.of(1))),
        topic("doomed", Uuid.randomUuid(), MOVING)), Set.of("doomed"));
    private final ThreadScheduler scheduler = new ThreadScheduler("test", 1);
    private final ListPartitionReassignmentsHandler handler =
        new ListPartitionReassignmentsHandler(new MetadataWaiter(scheduler, image));

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
    }

    private static ListPartitionReassignmentsResponse.Topic moving(String topic, int partition) {
        return new ListPartitionReassignmentsResponse.Topic(topic,
            List.of(new Partition(partition, List.of(4, 1, 2, 3), List.of(4), List.of(3))));
    }

    @Test
    void nullTopicsListsEveryReassignmentInProgress() {
        ListPartitionReassignmentsResponse r = HandlerCall.call(handler, new ListPartitionReassignmentsRequest(1000, null), 0);
        assertEquals(new ListPartitionReassignmentsResponse(0, Errors.NONE.code(), null, List.of(moving("a", 1), moving("b", 0))), r);
    }

    @Test
    void namedPartitionsThatAreNotMovingOrDoNotExistAreLeftOut() {
        ListPartitionReassignmentsResponse r = HandlerCall.call(handler, new ListPartitionReassignmentsRequest(1000, List.of(
            new ListPartitionReassignmentsRequest.Topic("a", List.of(0, 1, 9)),
            new ListPartitionReassignmentsRequest.Topic("quiet", List.of(0)),
            new ListPartitionReassignmentsRequest.Topic("nope", List.of(0)))), 0);
        assertEquals(List.of(moving("a", 1)), r.topics());
    }
}
