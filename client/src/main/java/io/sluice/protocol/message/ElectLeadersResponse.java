// Written by hand in the shape tools/gen_messages.py generates (the field listing it reads has no ElectLeaders);
// layouts per version checked against kafka-clients 3.9.1 and 4.1.1 by KafkaClientsWireCompatibilityTest.
package io.sluice.protocol.message;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.NullableVersions;
import io.sluice.protocol.schema.Versions;
import java.util.List;

/** ElectLeaders response (API key 43), versions 0-2, flexible versions 2+. */
@Message(apiKey = 43, versions = "0-2", flexibleVersions = "2+")
public record ElectLeadersResponse(
        int throttleTimeMs,
        @Versions("1+") short errorCode,
        List<ReplicaElectionResult> replicaElectionResults
) implements ApiMessage {

    public record ReplicaElectionResult(
            String topic,
            List<PartitionResult> partitionResult
    ) {

        public record PartitionResult(
                int partitionId,
                short errorCode,
                @NullableVersions("0+") String errorMessage
        ) {
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ELECT_LEADERS;
    }
}
