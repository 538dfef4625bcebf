// Written by hand in the shape tools/gen_messages.py generates (the field listing it reads has no ElectLeaders);
// layouts per version checked against kafka-clients 3.9.1 and 4.1.1 by KafkaClientsWireCompatibilityTest.
package io.sluice.protocol.message;

import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.schema.Default;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.NullableVersions;
import io.sluice.protocol.schema.Versions;
import java.util.List;

/**
 * ElectLeaders request (API key 43), versions 0-2, flexible versions 2+. {@code election_type} (v1+): 0 preferred,
 * 1 unclean; v0 means preferred. A null {@code topic_partitions} asks for every partition.
 */
@Message(apiKey = 43, versions = "0-2", flexibleVersions = "2+")
public record ElectLeadersRequest(
        @Versions("1+") byte electionType,
        @NullableVersions("0+") List<TopicPartition> topicPartitions,
        @Default("60000") int timeoutMs
) implements ApiMessage {

    public record TopicPartition(
            String topic,
            List<Integer> partitions
    ) {
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ELECT_LEADERS;
    }
}
