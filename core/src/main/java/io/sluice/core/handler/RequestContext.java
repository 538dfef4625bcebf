package io.sluice.core.handler;

import io.sluice.core.network.RequestProcessor.Connection;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.RequestHeader;

/** Who sent a request, on which listener, with which header. Immutable. */
public record RequestContext(RequestHeader header, ApiKey apiKey, Connection connection) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    public String listenerName() {
        return connection.listenerName();
    }
}
