/**
 * Replication: partitions hosted on this broker, their roles at leader epochs, the high watermark and the ISR,
 * follower fetchers, leader-epoch truncation, and the delayed operations (acks=all produce, long-poll fetch,
 * DeleteRecords) those complete. May import {@code log}, {@code purgatory}, coordinator metadata types (the
 * partition state a leader's ISR writes are based on) and {@code io.sluice.client.network} (follower
 * connections).
 *
 * <h2>Roles</h2>
 * {@link io.sluice.core.replication.ReplicaManager#applyImage} makes each local replica leader or follower at the
 * leader epoch in ZooKeeper. A new follower moves to the {@link io.sluice.core.replication.ReplicaFetcherThread}
 * of its leader (one thread per source broker, one Fetch v12 for all its partitions); a new leader is first
 * removed from its fetcher, then stamps its epoch's start offset in the leader-epoch cache.
 *
 * <h2>No divergence: truncation by leader epochs</h2>
 * A follower sends the epoch of its last batch with every fetch. The leader answers {@code diverging_epoch}
 * (and no records) when that epoch ends earlier in its own log, or is not one of its epochs; the follower then
 * truncates to min(the leader's end of that epoch, its own end of it) and asks again, so it converges after any
 * number of leader changes. A fetch offset out of range is resolved from the leader's log start (restart the log
 * there) or by OffsetForLeaderEpoch. A follower never truncates to its high watermark blindly.
 *
 * <h2>ISR</h2>
 * Only a partition's leader changes its ISR, by a compare-and-set of the partition state znode at the version it
 * last saw ({@link io.sluice.core.replication.IsrWriter}); leader and controller epochs stay. Until the write is
 * confirmed the HW waits for the larger ISR. A conflict re-reads the state: the same epoch is adopted, a newer one
 * fences the leader (no more appends). While the ZooKeeper session is suspended or lost, produce is refused.
 *
 * <h2>Durability: the high watermark covers only data fsynced on every ISR member</h2>
 * With {@code replication.ack.requires.fsync=true} (the default):
 * <ul>
 *   <li>a follower flushes every partition that received data in a fetch round before it sends the next fetch,
 *       whose fetch offset is what tells the leader it has the data;</li>
 *   <li>the leader counts its own log only up to its recovery point (what it flushed) in the HW; the
 *       {@link io.sluice.core.replication.LeaderFlusher} flushes after appends, one fsync per partition covering
 *       every append since the previous one (group commit);</li>
 *   <li>so HW = min over the ISR of data on disk, and an acks=all record is acknowledged only once it is durable
 *       on every ISR member. A broker killed with SIGKILL (or losing power) restarts with at least everything it
 *       had acknowledged; since leaders are elected from the ISR, and a restarted broker leaves the ISR until it
 *       catches up again, no election can pick a replica that misses an acknowledged record, and no follower is
 *       asked to truncate one.</li>
 * </ul>
 * acks=0/1 responses do not wait for it (the consumer-visible HW still does). With the switch off the HW follows
 * log end offsets as in Kafka, where a replica's unflushed tail can be lost in a crash after acknowledgement.
 */
package io.sluice.core.replication;
