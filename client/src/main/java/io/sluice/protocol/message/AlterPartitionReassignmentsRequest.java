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

/**
 * AlterPartitionReassignments request (API key 45), versions 0-1, flexible versions 0+. A null {@code replicas}
 * cancels the partition's pending reassignment. v1 adds {@code allow_replication_factor_change} (KIP-860).
 */
@Message(apiKey = 45, versions = "0-1", flexibleVersions = "0+")
public record AlterPartitionReassignmentsRequest(
        @Default("60000") int timeoutMs,
        @Versions("1+") @Default("true") boolean allowReplicationFactorChange,
        List<Topic> topics
) implements ApiMessage {

    public record Topic(
            String name,
            List<Partition> partitions
    ) {

        public record Partition(
                int partitionIndex,
                @NullableVersions("0+") @Default("null") List<Integer> replicas
        ) {
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ALTER_PARTITION_REASSIGNMENTS;
    }
}
