package io.sluice.core.log;

/**
 * The result of {@link PartitionLog#read}: whole batches from the one that contains the fetch offset, as a slice
 * of one segment file (possibly empty, and possibly ending with a partial batch when the byte limit cut it).
 * Immutable; the slice's channel belongs to the log (see {@link FileRecordsSlice}).
 *
 * @param fetchOffsetMetadata the requested offset and the position of the batch the slice starts with (the
 *                            position of the log end when there was nothing to read)
 * @param records             the bytes to send
 */
public record FetchDataInfo(LogOffsetMetadata fetchOffsetMetadata, FileRecordsSlice records) {

    public boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }
}
