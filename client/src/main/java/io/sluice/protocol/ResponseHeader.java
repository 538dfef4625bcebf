package io.sluice.protocol;

/**
 * The header in front of every response body: v0 is {@code correlation_id INT32}; v1 adds a tagged-field
 * section. v1 is used for flexible API versions, except that ApiVersions responses always use v0 so that a
 * client can read the correlation id whatever version it asked for.
 */
public record ResponseHeader(int correlationId) {

    public static short version(ApiKey apiKey, short apiVersion) {
        return apiKey.responseHeaderVersion(apiVersion);
    }

    public static ResponseHeader read(ByteBufferReader in, short headerVersion) {
        ResponseHeader header = new ResponseHeader(in.readInt());
        if (headerVersion >= 1) {
            RequestHeader.skipTaggedFields(in);
        }
        return header;
    }

    public void write(ByteBufferWriter out, short headerVersion) {
        out.writeInt(correlationId);
        if (headerVersion >= 1) {
            out.writeUnsignedVarint(0);
        }
    }
}
