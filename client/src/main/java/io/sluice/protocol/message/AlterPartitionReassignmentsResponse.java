// Written by hand in the shape tools/gen_messages.py generates (the field listing it reads has no
// AlterPartitionReassignments); layouts per version checked against kafka-clients 4.1.1 by
// KafkaClientsWireCompatibilityTest (kafka-clients 3.9 knows only version 0).
package io.sluice.protocol.message;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.schema.Default;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.NullableVersions;
import io.sluice.protocol.schema.Versions;
import java.util.List;

/** AlterPartitionReassignments response (API key 45), versions 0-1, flexible versions 0+. */
@Message(apiKey = 45, versions = "0-1", flexibleVersions = "0+")
public record AlterPartitionReassignmentsResponse(
        int throttleTimeMs,
        @Versions("1+") @Default("true") boolean allowReplicationFactorChange,
        short errorCode,
        @NullableVersions("0+") String errorMessage,
        List<Response> responses
) implements ApiMessage {

    public record Response(
            String name,
            List<Partition> partitions
    ) {

        public record Partition(
                int partitionIndex,
                short errorCode,
                @NullableVersions("0+") String errorMessage
        ) {
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ALTER_PARTITION_REASSIGNMENTS;
    }
}
