package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.admin.GroupDescription;
import io.sluice.common.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How DescribeGroups' members become Burrow's {@code owner} and {@code client_id} per partition. */
class AdminOffsetsSourceTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    @Test
    void eachAssignedPartitionIsOwnedByItsMembersHostAndClientId() {
        GroupDescription group = new GroupDescription("g", "Stable", "consumer", "range", null, List.of(
            new GroupDescription.Member("m-1", null, "app-1", "/10.0.0.1", List.of(A0, B0)),
            new GroupDescription.Member("m-2", null, "app-2", "/10.0.0.2", List.of(A1))));
        assertEquals(Map.of(A0, new OffsetsSource.Owner("/10.0.0.1", "app-1"),
            B0, new OffsetsSource.Owner("/10.0.0.1", "app-1"),
            A1, new OffsetsSource.Owner("/10.0.0.2", "app-2")), AdminOffsetsSource.owners(group));
    }

    @Test
    void aGroupWithoutMembersOwnsNothing() {
        assertEquals(Map.of(), AdminOffsetsSource.owners(
            new GroupDescription("g", "Empty", "consumer", "", null, List.of())));
    }

    @Test
    void missingHostOrClientIdBecomeEmptyStrings() {
        assertEquals(new OffsetsSource.Owner("", ""), new OffsetsSource.Owner(null, null));
    }
}
