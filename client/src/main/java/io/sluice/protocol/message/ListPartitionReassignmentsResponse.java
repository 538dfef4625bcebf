// Written by hand in the shape tools/gen_messages.py generates (the field listing it reads has no
// ListPartitionReassignments); layout checked against kafka-clients 3.9.1 and 4.1.1 by
// KafkaClientsWireCompatibilityTest.
package io.sluice.protocol.message;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.NullableVersions;
import java.util.List;

/** ListPartitionReassignments response (API key 46), version 0, flexible. */
@Message(apiKey = 46, versions = "0", flexibleVersions = "0+")
public record ListPartitionReassignmentsResponse(
        int throttleTimeMs,
        short errorCode,
        @NullableVersions("0+") String errorMessage,
        List<Topic> topics
) implements ApiMessage {

    public record Topic(
            String name,
            List<Partition> partitions
    ) {

        public record Partition(
                int partitionIndex,
                List<Integer> replicas,
                List<Integer> addingReplicas,
                List<Integer> removingReplicas
        ) {
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_PARTITION_REASSIGNMENTS;
    }
}
