package io.sluice.record;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps a decompressing stream so that the codec library's runtime failures on malformed input (lz4-java and
 * zstd-jni throw unchecked exceptions) surface as {@link IOException}, the one failure type callers handle.
 * Not thread-safe, like the stream it wraps.
 */
final class CodecInputStream extends FilterInputStream {
    private final String codec;

    CodecInputStream(InputStream in, String codec) {
        super(in);
        this.codec = codec;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        try {
            return in.read(target, offset, length);
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    private IOException failure(RuntimeException e) {
        return new IOException(codec + " decompression failed: " + e.getMessage(), e);
    }
}
