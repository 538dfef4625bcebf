package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An error code with the message that goes with it in a response's {@code error_message}. Built from an
 * {@link ApiException} (its code and message), or from any other failure: UNKNOWN_SERVER_ERROR, logged once at
 * ERROR because it means a bug or an outage (ZooKeeper unreachable).
 */
record ApiError(Errors error, String message) {
    private static final Logger log = LogManager.getLogger(ApiError.class);
    static final ApiError NONE = new ApiError(Errors.NONE, null);

    static ApiError of(Errors error) {
        return error == Errors.NONE ? NONE : new ApiError(error, error.message());
    }

    static ApiError of(Errors error, String message) {
        return new ApiError(error, message);
    }

    /**
     * @param what what was being done, for the log line of an unexpected failure (e.g. "CreateTopics of 'x'")
     */
    static ApiError from(Throwable failure, String what) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ApiException api) {
            return new ApiError(api.error(), api.getMessage());
        }
        log.error("{} failed unexpectedly", what, t);
        return new ApiError(Errors.UNKNOWN_SERVER_ERROR, what + " failed: " + t);
    }

    short code() {
        return error.code();
    }

    boolean isError() {
        return error != Errors.NONE;
    }
}
