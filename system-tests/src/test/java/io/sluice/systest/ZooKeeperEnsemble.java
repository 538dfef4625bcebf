package io.sluice.systest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real ZooKeeper ensemble of {@code n} servers on 127.0.0.1, each its own process started through
 * {@code bin/start-zookeeper.sh} with {@code server.N} lines and a {@code myid} file, as an operator would run one
 * across machines. Started once every member serves (a quorum has formed). Close it to stop every member by PID.
 */
public final class ZooKeeperEnsemble implements ZooKeeperEndpoint, AutoCloseable {
    private final List<ZooKeeperProcess> members;

    private ZooKeeperEnsemble(List<ZooKeeperProcess> members) {
        this.members = List.copyOf(members);
    }

    /** Starts {@code size} members under {@code dir}/zk-N (N = 1..size) and waits until each serves. */
    public static ZooKeeperEnsemble start(Path dir, int size) {
        List<Integer> clientPorts = new ArrayList<>();
        // Ticks are 500 ms (the harness's): followers get 10 s to connect and 5 s to sync.
        List<String> servers = new ArrayList<>(List.of("initLimit=20", "syncLimit=10"));
        for (int id = 1; id <= size; id++) {
            clientPorts.add(FreePorts.next());
            servers.add("server." + id + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
        }
        List<ZooKeeperProcess> members = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            members.add(ZooKeeperProcess.ensembleMember(dir.resolve("zk-" + id), clientPorts.get(id - 1), id,
                    servers));
        }
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(members);
        try {
            members.forEach(ZooKeeperProcess::launchWithoutWaiting);
            members.forEach(ZooKeeperProcess::awaitServing);
            return ensemble;
        } catch (RuntimeException | Error e) {
            ensemble.close();
            throw e;
        }
    }

    public List<ZooKeeperProcess> members() {
        return members;
    }

    /** The member that is the quorum's leader now, if one answers so. */
    public java.util.Optional<ZooKeeperProcess> leader() {
        return members.stream().filter(ZooKeeperProcess::isAlive).filter(m -> m.mode().equals("leader")).findFirst();
    }

    /** Every member's client address, then {@code chroot}. */
    @Override
    public String connectString(String chroot) {
        if (!chroot.startsWith("/")) {
            throw new IllegalArgumentException("a chroot starts with '/': " + chroot);
        }
        return members.stream().map(ZooKeeperProcess::connectString).collect(Collectors.joining(",")) + chroot;
    }

    @Override
    public void close() {
        members.forEach(ZooKeeperProcess::close);
    }

    @Override
    public String toString() {
        return "ZooKeeperEnsemble" + members;
    }
}
