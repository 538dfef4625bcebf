package io.sluice.record;

import java.nio.channels.FileChannel;

/**
 * Records that live in a region of a file: the network layer can send them with {@code transferTo}
 * (sendfile) instead of copying them through the heap. The channel stays owned by whoever opened it.
 */
public interface FileChannelRecords extends Records {
    FileChannel channel();

    /** Byte position of the first record in {@link #channel()}. */
    long position();
}
