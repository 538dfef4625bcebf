package io.sluice.core.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The broker's Netty server: one acceptor thread and {@code num.network.threads} event loops that only frame
 * requests and write responses. Request handling happens elsewhere ({@link RequestProcessor}).
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(SocketServer.class);

    /** Settings of the network layer, with Kafka's key names in the Javadoc. */
    public record Settings(
            int networkThreads,              // num.network.threads
            int maxRequestBytes,             // socket.request.max.bytes
            long connectionsMaxIdleMs,       // connections.max.idle.ms
            int maxOutstandingPerConnection, // requests read ahead of their responses
            int sendBufferBytes,             // socket.send.buffer.bytes (-1: OS default)
            int receiveBufferBytes) {        // socket.receive.buffer.bytes (-1: OS default)
    }

    private final Settings settings;
    private final RequestProcessor processor;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final List<Listener> bound = new ArrayList<>();

    public SocketServer(Settings settings, RequestProcessor processor) {
        this.settings = settings;
        this.processor = processor;
        this.acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("net-accept", true));
        this.workers = new NioEventLoopGroup(settings.networkThreads(), new DefaultThreadFactory("net-io", true));
    }

    /**
     * Binds every listener. Returns them with their actual ports (port 0 becomes the ephemeral port).
     *
     * @throws IOException naming the listener when a port is taken or the address is not local
     */
    public synchronized List<Listener> start(List<Listener> listeners) throws IOException {
        for (Listener listener : listeners) {
            ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (settings.sendBufferBytes() > 0) {
                            ch.config().setSendBufferSize(settings.sendBufferBytes());
                        }
                        if (settings.receiveBufferBytes() > 0) {
                            ch.config().setReceiveBufferSize(settings.receiveBufferBytes());
                        }
                        ch.pipeline()
                            .addLast("idle", new IdleStateHandler(0, 0, settings.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                            .addLast("frames", new KafkaFrameDecoder(settings.maxRequestBytes()))
                            .addLast("requests", new RequestChannelHandler(processor, listener.name(),
                                settings.maxOutstandingPerConnection()));
                    }
                });
            InetSocketAddress address = listener.host().isEmpty()
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
            Channel channel;
            try {
                channel = b.bind(address).syncUninterruptibly().channel();
            } catch (Exception e) {
                close();
                throw new IOException("Cannot listen on " + listener + ": " + e.getMessage(), e);
            }
            serverChannels.add(channel);
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            Listener actual = listener.withPort(port);
            bound.add(actual);
            log.info("Listening on {}", actual);
        }
        return List.copyOf(bound);
    }

    public synchronized List<Listener> boundListeners() {
        return List.copyOf(bound);
    }

    /** Stops accepting new connections; existing ones keep working until {@link #close()}. */
    public synchronized void stopAccepting() {
        for (Channel c : serverChannels) {
            c.close().syncUninterruptibly();
        }
        serverChannels.clear();
    }

    @Override
    public synchronized void close() {
        stopAccepting();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
