package io.sluice.systest;

import java.nio.file.Path;

/** {@link AbstractSluiceClientIT} against a Sluice broker. */
class SluiceClientOnSluiceIT extends AbstractSluiceClientIT {
    @Override
    TargetCluster startCluster(Path workDir) {
        return SingleBrokerCluster.start(workDir, getClass(), b -> b.override("group.initial.rebalance.delay.ms", "0"));
    }
}
