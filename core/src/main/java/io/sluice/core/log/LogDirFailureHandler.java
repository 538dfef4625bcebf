package io.sluice.core.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Told once per failure that a log directory hit an {@link IOException}; the log manager takes the directory
 * offline and tells the broker (which, with a single directory, shuts down in a controlled way). Called on
 * whatever thread saw the failure, never under a log's append lock held by the caller's caller in a way that
 * could deadlock: implementations only record the failure and hand work to another thread.
 */
@FunctionalInterface
public interface LogDirFailureHandler {
    LogDirFailureHandler IGNORE = (dir, cause) -> { };

    void onFailure(Path logDir, IOException cause);
}
