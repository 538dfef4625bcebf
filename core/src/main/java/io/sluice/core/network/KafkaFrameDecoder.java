package io.sluice.core.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the inbound byte stream into request frames: a 4-byte big-endian size, then that many bytes. Emits a
 * retained slice per frame, which the next handler must release. A negative size or one above
 * {@code socket.request.max.bytes} fails the connection before anything is allocated. Never {@code @Sharable}.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;

    public KafkaFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int frameBytes = in.getInt(in.readerIndex());
            if (frameBytes < 0 || frameBytes > maxFrameBytes) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("Request size " + frameBytes + " is outside [0, " + maxFrameBytes
                    + "] (socket.request.max.bytes)");
            }
            if (in.readableBytes() < 4 + frameBytes) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(frameBytes));
        }
    }
}
