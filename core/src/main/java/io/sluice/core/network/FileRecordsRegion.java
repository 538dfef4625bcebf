package io.sluice.core.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A Netty {@link FileRegion} over part of a log segment, sent with {@code transferTo}. Unlike Netty's
 * DefaultFileRegion it never closes the channel: the segment owns it.
 */
final class FileRecordsRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel channel;
    private final long position;
    private final long count;
    private long transferred;

    FileRecordsRegion(FileChannel channel, long position, long count) {
        this.channel = channel;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long remaining = count - position;
        if (remaining <= 0) {
            return 0;
        }
        long written = channel.transferTo(this.position + position, remaining, target);
        if (written == 0 && channel.size() < this.position + count) {
            throw new IOException("Log segment shrank below the region being sent (position " + this.position
                + ", " + count + " bytes)");
        }
        transferred += written;
        return written;
    }

    @Override
    protected void deallocate() {
        // The segment owns the channel.
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
