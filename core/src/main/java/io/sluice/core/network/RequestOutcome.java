package io.sluice.core.network;

/** What the network layer does once a request has been handled. */
public sealed interface RequestOutcome {
    /** Send this response, in request order. */
    record Respond(ResponseSend response) implements RequestOutcome {
    }

    /** Send nothing (Produce with acks=0), but let the next response go. */
    record NoResponse() implements RequestOutcome {
    }

    /** Close the connection after the earlier responses went out (unparseable request, unsupported version). */
    record Close(String reason) implements RequestOutcome {
    }
}
