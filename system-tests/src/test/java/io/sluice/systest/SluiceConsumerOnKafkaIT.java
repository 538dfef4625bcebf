package io.sluice.systest;

import java.nio.file.Path;
import java.util.Map;

/** {@link AbstractSluiceConsumerIT} against a real Apache Kafka 3.9 broker in ZooKeeper mode: the same test bodies. */
class SluiceConsumerOnKafkaIT extends AbstractSluiceConsumerIT {
    @Override
    TargetCluster startCluster(Path workDir) {
        return KafkaPeerCluster.start(workDir, getClass(), Map.of());
    }
}
