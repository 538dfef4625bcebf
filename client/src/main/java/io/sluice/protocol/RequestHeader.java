package io.sluice.protocol;

import java.util.Optional;

/**
 * The header in front of every request body.
 * <pre>
 * v1: api_key INT16, api_version INT16, correlation_id INT32, client_id NULLABLE_STRING (INT16 length)
 * v2: v1 + tagged-field section (client_id keeps its INT16 length even though the version is flexible)
 * </pre>
 * v2 is used for flexible API versions. The version is decided by the API key and version, which come first,
 * so a header can be parsed even when the body's version is one we do not support. A null client id is read
 * as "".
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId) {

    public RequestHeader {
        clientId = clientId == null ? "" : clientId;
    }

    public RequestHeader(ApiKey apiKey, short apiVersion, int correlationId, String clientId) {
        this(apiKey.id, apiVersion, correlationId, clientId);
    }

    public Optional<ApiKey> knownApiKey() {
        return ApiKey.forId(apiKey);
    }

    /** 2 for flexible versions of a known API (including versions newer than ours), else 1. */
    public short headerVersion() {
        return knownApiKey().map(k -> k.requestHeaderVersion(apiVersion)).orElse((short) 1);
    }

    public static RequestHeader read(ByteBufferReader in) {
        short key = in.readShort();
        short version = in.readShort();
        int correlationId = in.readInt();
        short length = in.readShort();
        String clientId = length < 0 ? "" : in.readUtf8(length, "client_id");
        RequestHeader header = new RequestHeader(key, version, correlationId, clientId);
        if (header.headerVersion() >= 2) {
            skipTaggedFields(in);
        }
        return header;
    }

    public void write(ByteBufferWriter out) {
        out.writeShort(apiKey).writeShort(apiVersion).writeInt(correlationId);
        byte[] id = ByteBufferWriter.utf8(clientId);
        if (id.length > Short.MAX_VALUE) {
            throw new ProtocolException("client_id longer than " + Short.MAX_VALUE + " bytes");
        }
        out.writeShort((short) id.length).writeBytes(id);
        if (headerVersion() >= 2) {
            out.writeUnsignedVarint(0);
        }
    }

    static void skipTaggedFields(ByteBufferReader in) {
        int count = in.readUnsignedVarint();
        if (count < 0 || count > in.remaining()) {
            throw new ProtocolException("Invalid tagged-field count " + Integer.toUnsignedString(count) + " in header");
        }
        for (int i = 0; i < count; i++) {
            in.readUnsignedVarint();
            in.skip(in.readUnsignedVarint(), "header tagged field");
        }
    }
}
