package io.sluice.coordinator.registration;

import io.sluice.coordinator.zk.CoordinatorException;

/** Another live broker holds {@code /brokers/ids/<id>}; this broker must not start with that id. */
public final class BrokerIdInUseException extends CoordinatorException {
    private final int brokerId;
    private final long ownerSessionId;

    public BrokerIdInUseException(int brokerId, long ownerSessionId, long waitedMs) {
        super("Broker id " + brokerId + " is already registered by another live broker (session 0x"
            + Long.toHexString(ownerSessionId) + "); its registration did not expire within " + waitedMs + " ms");
        this.brokerId = brokerId;
        this.ownerSessionId = ownerSessionId;
    }

    public int brokerId() {
        return brokerId;
    }

    public long ownerSessionId() {
        return ownerSessionId;
    }
}
