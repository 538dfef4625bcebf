package io.sluice.client.network;

import io.sluice.protocol.ApiMessage;

/**
 * Builds a request body for the version negotiated with the broker it goes to, for requests whose fields
 * differ between versions (a topic list in one version, a group list in another).
 */
@FunctionalInterface
public interface RequestBuilder {
    ApiMessage build(short version);
}
