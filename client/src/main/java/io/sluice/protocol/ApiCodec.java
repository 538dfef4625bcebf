package io.sluice.protocol;

import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;

/**
 * Whole requests and responses (header + body, without the INT32 size prefix that frames them on a
 * connection). Stateless and thread-safe.
 */
public final class ApiCodec {
    private ApiCodec() {
    }

    /** A parsed request. */
    public record Request(RequestHeader header, ApiKey apiKey, ApiMessage body) {
    }

    /** Encodes header + body. The body's API key must match the header's. */
    public static ByteBuffer encodeRequest(RequestHeader header, ApiMessage body) {
        if (body.apiKey().id != header.apiKey()) {
            throw new IllegalArgumentException("Header is for API " + header.apiKey() + " but body is " + body.apiKey());
        }
        ByteBufferWriter out = new ByteBufferWriter();
        header.write(out);
        MessageCodec.write(body, header.apiVersion(), out);
        return out.toByteBuffer();
    }

    /**
     * Parses the header only. Works for any API key and version; the body is left at the reader's position.
     */
    public static RequestHeader decodeRequestHeader(ByteBufferReader in) {
        return RequestHeader.read(in);
    }

    /**
     * Parses a whole request. Unknown API keys and unsupported versions raise {@link UnsupportedApiException}
     * (a {@link ProtocolException}) carrying the parsed header, so the caller can still answer ApiVersions.
     */
    public static Request decodeRequest(ByteBuffer frame) {
        ByteBufferReader in = new ByteBufferReader(frame);
        RequestHeader header = RequestHeader.read(in);
        ApiKey key = header.knownApiKey()
            .orElseThrow(() -> new UnsupportedApiException(header, "Unknown API key " + header.apiKey()));
        if (!key.isVersionSupported(header.apiVersion())) {
            throw new UnsupportedApiException(header, key.title + " version " + header.apiVersion()
                + " is not supported (supported: " + key.versions() + ")");
        }
        return new Request(header, key, MessageCodec.read(key.requestType, in, header.apiVersion()));
    }

    /** Encodes a response to a request with the given key and version. */
    public static ByteBuffer encodeResponse(ApiKey key, short version, int correlationId, ApiMessage body) {
        ByteBufferWriter out = new ByteBufferWriter();
        new ResponseHeader(correlationId).write(out, key.responseHeaderVersion(version));
        MessageCodec.write(body, version, out);
        return out.toByteBuffer();
    }

    /**
     * The answer to an ApiVersions request whose version is newer than ours: a version-0 body with
     * UNSUPPORTED_VERSION and our ApiVersions range, which every client knows how to read.
     */
    public static ByteBuffer encodeApiVersionsFallback(int correlationId, ApiVersionsResponse body) {
        return encodeResponse(ApiKey.API_VERSIONS, (short) 0, correlationId, body);
    }

    /** Parses a response to a request that was sent with the given key and version. */
    public static <T extends ApiMessage> T decodeResponse(ByteBuffer frame, ApiKey key, short version,
                                                          int expectedCorrelationId, Class<T> type) {
        ByteBufferReader in = new ByteBufferReader(frame);
        ResponseHeader header = ResponseHeader.read(in, key.responseHeaderVersion(version));
        if (header.correlationId() != expectedCorrelationId) {
            throw new ProtocolException("Correlation id " + header.correlationId() + " does not match the expected "
                + expectedCorrelationId);
        }
        return MessageCodec.read(type, in, version);
    }

    /** An unknown API key or an unsupported version of a known one. */
    public static final class UnsupportedApiException extends ProtocolException {
        private final transient RequestHeader header;

        public UnsupportedApiException(RequestHeader header, String message) {
            super(message);
            this.header = header;
        }

        public RequestHeader header() {
            return header;
        }
    }
}
