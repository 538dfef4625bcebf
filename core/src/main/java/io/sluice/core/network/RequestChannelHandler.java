package io.sluice.core.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.protocol.ByteBufferWriter.DeferredRecords;
import io.sluice.record.FileChannelRecords;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One per connection. Hands requests to the {@link RequestProcessor} one at a time (the next only once the
 * previous one's side effects are ordered, so appends happen in request order) while letting several wait
 * for their responses at once (acks=all, long-poll fetch), and writes responses strictly in request order.
 * Stops reading from the socket while too many requests are outstanding.
 *
 * <p>All fields are confined to the channel's event loop; completions from request-handler threads hop back
 * onto it.
 */
final class RequestChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LogManager.getLogger(RequestChannelHandler.class);

    private final RequestProcessor processor;
    private final String listenerName;
    private final int maxOutstanding;

    private RequestProcessor.Connection connection;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private final Map<Long, RequestOutcome> finished = new HashMap<>();
    private boolean submitting;
    private long nextSeq;
    private long nextToSend;
    private boolean closing;

    RequestChannelHandler(RequestProcessor processor, String listenerName, int maxOutstanding) {
        this.processor = processor;
        this.listenerName = listenerName;
        this.maxOutstanding = maxOutstanding;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        String host = remote == null ? "unknown" : remote.getAddress().getHostAddress();
        int port = remote == null ? -1 : remote.getPort();
        String id = (local == null ? "?" : local.getAddress().getHostAddress() + ":" + local.getPort()) + "-" + host + ":" + port;
        connection = new RequestProcessor.Connection(id, listenerName, host, port);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing) {
            frame.release();
            return;
        }
        waiting.add(frame);
        submitNext(ctx);
        updateAutoRead(ctx);
    }

    private void submitNext(ChannelHandlerContext ctx) {
        if (submitting || closing || waiting.isEmpty()) {
            return;
        }
        ByteBuf frame = waiting.poll();
        long seq = nextSeq++;
        submitting = true;
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        CompletableFuture<RequestOutcome> outcome;
        try {
            outcome = processor.submit(connection, frame, accepted);
        } catch (RuntimeException e) {
            log.error("Request processor refused a request on {}", connection.id(), e);
            outcome = CompletableFuture.completedFuture(new RequestOutcome.Close("internal error"));
            accepted.complete(null);
        }
        accepted.whenComplete((v, e) -> ctx.executor().execute(() -> {
            submitting = false;
            submitNext(ctx);
            updateAutoRead(ctx);
        }));
        outcome.whenComplete((o, e) -> {
            RequestOutcome result = e != null ? new RequestOutcome.Close("internal error: " + e) : o;
            ctx.executor().execute(() -> onFinished(ctx, seq, result));
        });
    }

    private void onFinished(ChannelHandlerContext ctx, long seq, RequestOutcome outcome) {
        finished.put(seq, outcome);
        boolean wrote = false;
        while (!closing && finished.containsKey(nextToSend)) {
            RequestOutcome next = finished.remove(nextToSend++);
            if (next instanceof RequestOutcome.Respond respond) {
                write(ctx, respond.response());
                wrote = true;
            } else if (next instanceof RequestOutcome.Close close) {
                closing = true;
                log.info("Closing connection {}: {}", connection.id(), close.reason());
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                releaseWaiting();
            }
        }
        if (wrote) {
            ctx.flush();
        }
        updateAutoRead(ctx);
    }

    private void write(ChannelHandlerContext ctx, ResponseSend response) {
        long size = response.sizeInBytes();
        if (size > Integer.MAX_VALUE) {
            log.error("Response of {} bytes on {} is too large to frame; closing", size, connection.id());
            closing = true;
            ctx.close();
            return;
        }
        ByteBuffer bytes = response.bytes();
        ctx.write(Unpooled.buffer(4, 4).writeInt((int) size));
        int from = bytes.position();
        int base = bytes.position();
        for (DeferredRecords deferred : response.fileRecords()) {
            int at = base + deferred.position();
            if (at > from) {
                ctx.write(Unpooled.wrappedBuffer(bytes.duplicate().position(from).limit(at)));
            }
            if (deferred.records() instanceof FileChannelRecords file) {
                ctx.write(new FileRecordsRegion(file.channel(), file.position(), file.sizeInBytes()));
            } else {
                ByteBuffer copy = ByteBuffer.allocate(deferred.records().sizeInBytes());
                deferred.records().writeTo(copy);
                ctx.write(Unpooled.wrappedBuffer(copy.flip()));
            }
            from = at;
        }
        if (bytes.limit() > from) {
            ctx.write(Unpooled.wrappedBuffer(bytes.duplicate().position(from)));
        }
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        long outstanding = (nextSeq - nextToSend) + waiting.size();
        boolean read = !closing && outstanding < maxOutstanding;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void releaseWaiting() {
        ByteBuf frame;
        while ((frame = waiting.poll()) != null) {
            frame.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        releaseWaiting();
        finished.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug("Closing idle connection {} (connections.max.idle.ms)", connection == null ? ctx.channel() : connection.id());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String id = connection == null ? String.valueOf(ctx.channel().remoteAddress()) : connection.id();
        if (cause instanceof DecoderException) {
            log.warn("Closing connection {}: {}", id, cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("Connection {} failed: {}", id, cause.getMessage());
        } else {
            log.warn("Closing connection {} after an unexpected error", id, cause);
        }
        closing = true;
        releaseWaiting();
        ctx.close();
    }
}
