package io.sluice.systest;

import java.nio.file.Path;
import java.util.Map;

/** {@link AbstractSluiceClientIT} against a real Apache Kafka 3.9 broker in ZooKeeper mode: the same test bodies. */
class SluiceClientOnKafkaIT extends AbstractSluiceClientIT {
    @Override
    TargetCluster startCluster(Path workDir) {
        return KafkaPeerCluster.start(workDir, getClass(), Map.of());
    }
}
