// Written by hand in the shape tools/gen_messages.py generates (the field listing it reads has no
// ListPartitionReassignments); layout checked against kafka-clients 3.9.1 and 4.1.1 by
// KafkaClientsWireCompatibilityTest.
package io.sluice.protocol.message;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.schema.Default;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.NullableVersions;
import java.util.List;

/** ListPartitionReassignments request (API key 46), version 0, flexible. A null {@code topics} lists everything. */
@Message(apiKey = 46, versions = "0", flexibleVersions = "0+")
public record ListPartitionReassignmentsRequest(
        @Default("60000") int timeoutMs,
        @NullableVersions("0+") @Default("null") List<Topic> topics
) implements ApiMessage {

    public record Topic(
            String name,
            List<Integer> partitionIndexes
    ) {
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_PARTITION_REASSIGNMENTS;
    }
}
