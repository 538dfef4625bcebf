package io.sluice.core.log;

/**
 * An offset and where it is in the log: the base offset of the segment holding it and the byte position of its
 * batch in that segment. The replication layer uses the positions to estimate the bytes between two offsets (a
 * delayed fetch's {@code min_bytes}) without reading the log. Immutable.
 *
 * @param messageOffset             the offset
 * @param segmentBaseOffset         base offset of its segment, or -1 if unknown
 * @param relativePositionInSegment byte position of its batch in the segment, or -1 if unknown
 */
public record LogOffsetMetadata(long messageOffset, long segmentBaseOffset, int relativePositionInSegment) {
    public static final long UNKNOWN_SEGMENT = -1L;
    public static final int UNKNOWN_POSITION = -1;

    /** An offset whose position is not known. */
    public static LogOffsetMetadata offsetOnly(long offset) {
        return new LogOffsetMetadata(offset, UNKNOWN_SEGMENT, UNKNOWN_POSITION);
    }

    public boolean positionKnown() {
        return segmentBaseOffset >= 0 && relativePositionInSegment >= 0;
    }

    /** True if both are in the same segment (and both positions are known). */
    public boolean onSameSegment(LogOffsetMetadata that) {
        return positionKnown() && that.positionKnown() && segmentBaseOffset == that.segmentBaseOffset;
    }

    /**
     * Bytes from {@code that} up to this, if both are in the same segment.
     *
     * @throws IllegalStateException if they are not
     */
    public int positionDiff(LogOffsetMetadata that) {
        if (!onSameSegment(that)) {
            throw new IllegalStateException(this + " and " + that + " are not in the same segment");
        }
        return relativePositionInSegment - that.relativePositionInSegment;
    }
}
