package io.sluice.core.replication;

import io.sluice.common.Errors;

/** What one partition answers to DeleteRecords: the low watermark reached, or an error. Immutable. */
public record DeleteRecordsResult(Errors error, String errorMessage, long lowWatermark) {
    public static DeleteRecordsResult error(Errors error, String message) {
        return new DeleteRecordsResult(error, message, -1);
    }
}
