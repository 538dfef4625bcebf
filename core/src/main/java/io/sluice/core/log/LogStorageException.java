package io.sluice.core.log;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;

/**
 * The disk under a log failed (an {@link java.io.IOException} while writing, flushing, rolling or deleting), or
 * the log is offline or closed: KAFKA_STORAGE_ERROR. The log directory is taken offline when this is first
 * thrown (see {@link LogDirFailureHandler}); it is never retried in a loop.
 */
public final class LogStorageException extends ApiException {
    private static final long serialVersionUID = 1L;

    public LogStorageException(String message) {
        super(Errors.KAFKA_STORAGE_ERROR, message);
    }

    public LogStorageException(String message, Throwable cause) {
        super(Errors.KAFKA_STORAGE_ERROR, message, cause);
    }
}
