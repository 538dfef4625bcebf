package io.sluice.systest;

import java.nio.file.Path;

/** {@link AbstractSluiceConsumerIT} against a Sluice broker. */
class SluiceConsumerOnSluiceIT extends AbstractSluiceConsumerIT {
    @Override
    TargetCluster startCluster(Path workDir) {
        return SingleBrokerCluster.start(workDir, getClass(), b -> b.override("group.initial.rebalance.delay.ms", "0"));
    }
}
