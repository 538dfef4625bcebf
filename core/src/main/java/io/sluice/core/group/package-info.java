/**
 * The consumer-group coordinator (classic rebalance protocol) and the committed offsets, kept in the internal
 * compacted topic {@code __consumer_offsets}.
 *
 * <p>Shape (design doc sections 5 and 6; style anchors 2-4):
 * <ul>
 *   <li>{@link io.sluice.core.group.GroupStateMachine}: the pure part, one per {@code __consumer_offsets}
 *       partition this broker leads. Every operation takes its inputs (request, time) and returns a
 *       {@link io.sluice.core.group.GroupResult}: the records to append, the replies to send once they are
 *       committed, and timers to set or cancel. No I/O, no clock, no threads. {@code replay} rebuilds the
 *       persistent state from records; the loader and the live path apply offsets the same way.</li>
 *   <li>{@link io.sluice.core.group.GroupCoordinator}: the runtime. One {@code group-coordinator} thread applies
 *       every event (requests, timer expiries, leadership changes, loads) to the state machines, hands the
 *       records to a {@link io.sluice.core.group.PartitionWriter} and answers each request only when the append
 *       it depends on is replicated (acks=-1). Loading reads a partition through a
 *       {@link io.sluice.core.group.PartitionReader} on a separate loader thread.</li>
 *   <li>{@link io.sluice.core.group.OffsetsRecordCodec}: the key/value formats of {@code __consumer_offsets}
 *       (byte-compatible with Kafka's, so Kafka tools can read the topic).</li>
 * </ul>
 *
 * <p>Allowed imports: {@code io.sluice.common}, {@code io.sluice.protocol}, {@code io.sluice.record}; nothing
 * from core. The broker adapts {@code ReplicaManager} to the small interfaces here in
 * {@code io.sluice.core.server.GroupCoordinatorAdapters}.
 */
package io.sluice.core.group;
