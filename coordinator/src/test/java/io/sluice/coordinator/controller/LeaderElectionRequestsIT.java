package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ElectionType;
import io.sluice.coordinator.metadata.LeaderElectionRequest;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.zk.Waits;
import io.sluice.coordinator.zk.ZkPaths;
import io.sluice.coordinator.zk.ZooKeeperExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectionRequestsIT {
    @RegisterExtension
    static final ZooKeeperExtension zk = new ZooKeeperExtension();

    private static Map<PartitionRef, Errors> answer(TestBroker broker, String name) throws InterruptedException {
        LeaderElectionRequest answered = broker.awaitImage("answer to " + name,
            i -> i.electionRequest(name).map(LeaderElectionRequest::isAnswered).orElse(false)).electionRequest(name).orElseThrow();
        return answered.results().orElseThrow().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().error()));
    }

    /** Brokers 1 and 2; topic t with partitions 0 [1,2] and 1 [2,1]; broker 2 leads both after 1 bounced. */
    private static TestBroker[] clusterWithLeadershipOnTwo(ControllerSettings settings) throws Exception {
        TestBroker[] brokers = clusterWithLeadershipMovedToTwo(settings);
        brokers[0].awaitImage("2 leads t-0", i -> i.leader("t", 0).orElse(-1) == 2);
        return brokers;
    }

    private static TestBroker[] clusterWithLeadershipMovedToTwo(ControllerSettings settings) throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, settings).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, settings);
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        b1.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2), 1, List.of(2, 1)), Map.of());
        b1.awaitImage("leaders", i -> i.leader("t", 0).isPresent() && i.leader("t", 1).isPresent());
        // Broker 1 loses leadership of partition 0 (as after a restart) and is back in the ISR.
        PartitionState s = b1.state("t", 0);
        b1.store.compareAndSetPartitionState("t", 0, new PartitionState(2, s.leaderEpoch() + 1, List.of(2, 1), 1, 0),
            s.zkVersion());
        return new TestBroker[] {b1, b2};
    }

    @Test
    void preferredElectionOnRequest() throws Exception {
        TestBroker[] brokers = clusterWithLeadershipOnTwo(TestBroker.settings());
        TestBroker b2 = brokers[1];
        String name = b2.store.submitLeaderElection(ElectionType.PREFERRED, Optional.of(List.of(
            new PartitionRef("t", 0), new PartitionRef("t", 1), new PartitionRef("t", 7), new PartitionRef("nope", 0))));

        assertEquals(Map.of(new PartitionRef("t", 0), Errors.NONE, new PartitionRef("t", 1), Errors.ELECTION_NOT_NEEDED,
            new PartitionRef("t", 7), Errors.UNKNOWN_TOPIC_OR_PARTITION,
            new PartitionRef("nope", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION), answer(b2, name));
        PartitionState s = b2.state("t", 0);
        assertEquals(1, s.leader());
        assertEquals(List.of(2, 1), s.isr());

        b2.store.forgetLeaderElection(name);
        b2.awaitImage("request deleted", i -> i.electionRequest(name).isEmpty());
    }

    @Test
    void anElectionForEveryPartitionReportsOnlyThoseThatNeededOne() throws Exception {
        TestBroker[] brokers = clusterWithLeadershipOnTwo(TestBroker.settings());
        String name = brokers[0].store.submitLeaderElection(ElectionType.PREFERRED, Optional.empty());
        assertEquals(Map.of(new PartitionRef("t", 0), Errors.NONE), answer(brokers[0], name));
    }

    @Test
    void theNextControllerAnswersARequestItsPredecessorLeftOpen() throws Exception {
        TestBroker[] brokers = clusterWithLeadershipOnTwo(TestBroker.settings());
        TestBroker b1 = brokers[0];
        TestBroker b2 = brokers[1];
        b1.election.close();                                 // no controller for a while
        b1.awaitImage("no controller", i -> !i.hasController());
        String name = b2.store.submitLeaderElection(ElectionType.PREFERRED, Optional.of(List.of(new PartitionRef("t", 0))));
        b2.startCandidacy();
        assertEquals(Map.of(new PartitionRef("t", 0), Errors.NONE), answer(b2, name));
    }

    @Test
    void uncleanElectionOnRequestBringsAnOfflinePartitionBack() throws Exception {
        TestBroker b1 = new TestBroker(zk, 1, TestBroker.settings()).startCandidacy();
        TestBroker b2 = new TestBroker(zk, 2, TestBroker.settings());
        Waits.until("controller 1", b1.election::isActive);
        b1.awaitImage("two brokers", i -> i.liveBrokerIds().size() == 2);
        b1.store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1)), Map.of());
        b1.awaitImage("leader 2", i -> i.leader("t", 0).orElse(-1) == 2);
        PartitionState s = b1.state("t", 0);                 // broker 1 fell out of the ISR
        b1.store.compareAndSetPartitionState("t", 0, s.withIsr(List.of(2)), s.zkVersion());
        b2.deregister();
        Waits.until("t-0 offline", () -> b1.state("t", 0).leader() == -1);

        String preferred = b1.store.submitLeaderElection(ElectionType.PREFERRED, Optional.of(List.of(new PartitionRef("t", 0))));
        assertEquals(Map.of(new PartitionRef("t", 0), Errors.PREFERRED_LEADER_NOT_AVAILABLE), answer(b1, preferred));
        String unclean = b1.store.submitLeaderElection(ElectionType.UNCLEAN, Optional.of(List.of(new PartitionRef("t", 0))));
        assertEquals(Map.of(new PartitionRef("t", 0), Errors.NONE), answer(b1, unclean));
        assertEquals(1, b1.state("t", 0).leader());
        assertEquals(List.of(1), b1.state("t", 0).isr());
        String again = b1.store.submitLeaderElection(ElectionType.UNCLEAN, Optional.of(List.of(new PartitionRef("t", 0))));
        assertEquals(Map.of(new PartitionRef("t", 0), Errors.ELECTION_NOT_NEEDED), answer(b1, again));
    }

    @Test
    void automaticRebalanceMovesLeadersBackToTheirPreferredReplica() throws Exception {
        TestBroker[] brokers = clusterWithLeadershipMovedToTwo(
            TestBroker.settings().withAutoLeaderRebalance(true, 200, 10));
        Waits.until("broker 1 leads t-0 again", () -> brokers[0].state("t", 0).leader() == 1);
        PartitionState s = brokers[0].state("t", 0);
        assertEquals(List.of(2, 1), s.isr());
        assertEquals(2, brokers[0].state("t", 1).leader());
        assertEquals(List.of(), brokers[0].client.getChildren().forPath(ZkPaths.ADMIN_ELECT_LEADERS));   // no request needed
    }
}
