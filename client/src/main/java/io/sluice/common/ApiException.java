package io.sluice.common;

/**
 * A failure that has a Kafka error code: thrown by broker components and by the client when the broker
 * answered with an error. The message is for people; the code is for programs.
 */
public class ApiException extends RuntimeException {
    private final Errors error;

    public ApiException(Errors error, String message) {
        super(message == null ? error.message() : message);
        this.error = error;
    }

    public ApiException(Errors error, String message, Throwable cause) {
        super(message == null ? error.message() : message, cause);
        this.error = error;
    }

    public ApiException(Errors error) {
        this(error, null);
    }

    public Errors error() {
        return error;
    }

    public boolean retriable() {
        return error.retriable();
    }

    /** The error code for any throwable: an {@link ApiException}'s own, UNKNOWN_SERVER_ERROR otherwise. */
    public static Errors errorOf(Throwable t) {
        Throwable cause = t;
        while (cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException) {
            if (cause.getCause() == null) {
                break;
            }
            cause = cause.getCause();
        }
        return cause instanceof ApiException api ? api.error() : Errors.UNKNOWN_SERVER_ERROR;
    }
}
