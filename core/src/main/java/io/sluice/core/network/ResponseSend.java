package io.sluice.core.network;

import io.sluice.protocol.ByteBufferWriter.DeferredRecords;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An encoded response ready for the wire (without the size prefix): header and body bytes, plus records that
 * are sent straight from log files at the given positions of those bytes. Immutable.
 */
public record ResponseSend(ByteBuffer bytes, List<DeferredRecords> fileRecords) {

    public ResponseSend {
        fileRecords = List.copyOf(fileRecords);
    }

    public static ResponseSend of(ByteBuffer bytes) {
        return new ResponseSend(bytes, List.of());
    }

    /** Total size on the wire, excluding the 4-byte size prefix. */
    public long sizeInBytes() {
        long size = bytes.remaining();
        for (DeferredRecords d : fileRecords) {
            size += d.records().sizeInBytes();
        }
        return size;
    }
}
