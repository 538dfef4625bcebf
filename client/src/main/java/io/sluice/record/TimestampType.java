package io.sluice.record;

/** Whose clock the timestamps of a batch come from: attribute bit 3 of a v2 batch. */
public enum TimestampType {
    /** Set by the producer, per record. */
    CREATE_TIME,
    /** Set by the leader at append: every record of the batch reads as the batch's maxTimestamp. */
    LOG_APPEND_TIME;

    /** Kafka's name for the type, as shown by tools ({@code CreateTime}, {@code LogAppendTime}). */
    public String displayName() {
        return this == CREATE_TIME ? "CreateTime" : "LogAppendTime";
    }
}
