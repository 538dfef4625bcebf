package io.sluice.systest;

/** Where brokers find ZooKeeper: one server ({@link ZooKeeperProcess}) or an ensemble ({@link ZooKeeperEnsemble}). */
public interface ZooKeeperEndpoint {
    /** The zookeeper.connect string with {@code chroot} (which starts with a slash) appended. */
    String connectString(String chroot);
}
