package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.common.Errors;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hex vectors produced by kafka-clients 4.1.1 (protocol-and-zk-design.md, section 2.4). */
class GoldenBytesTest {

    private static ByteBuffer hex(String text) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(text.replaceAll("\\s+", "")));
    }

    @Test
    void apiVersionsV3RequestWithHeaderV2() {
        ByteBuffer wire = hex("""
            00 12 00 03 00 00 00 07 00 03 63 6c 69 00 12 61 70 61 63 68 65 2d 6b 61 66 6b
            61 2d 6a 61 76 61 06 34 2e 31 2e 31 00""");
        ApiCodec.Request request = ApiCodec.decodeRequest(wire.duplicate());
        assertEquals(new RequestHeader(ApiKey.API_VERSIONS, (short) 3, 7, "cli"), request.header());
        assertEquals(new ApiVersionsRequest("apache-kafka-java", "4.1.1"), request.body());
        assertEquals(wire, ApiCodec.encodeRequest(request.header(), request.body()));
    }

    @Test
    void apiVersionsErrorBodyInVersionZeroLayout() {
        ApiVersionsResponse body = new ApiVersionsResponse(Errors.UNSUPPORTED_VERSION.code(),
            List.of(new ApiVersionsResponse.ApiVersion((short) 18, (short) 0, (short) 3)), 0, List.of(), -1L, List.of(), false);
        assertEquals(hex("00 23 00 00 00 01 00 12 00 00 00 03"), MessageCodec.write(body, (short) 0));
        ByteBuffer frame = ApiCodec.encodeApiVersionsFallback(42, body);
        assertEquals(hex("00 00 00 2a 00 23 00 00 00 01 00 12 00 00 00 03"), frame);
    }

    @Test
    void metadataV12AllTopicsRequest() {
        ByteBuffer wire = hex("00 03 00 0c 00 00 00 08 00 03 63 6c 69 00 00 01 00 00");
        ApiCodec.Request request = ApiCodec.decodeRequest(wire.duplicate());
        MetadataRequest body = (MetadataRequest) request.body();
        assertNull(body.topics(), "null topics = all topics");
        assertEquals(true, body.allowAutoTopicCreation());
        assertEquals(wire, ApiCodec.encodeRequest(request.header(), body));
    }

    @Test
    void fieldsAbsentFromAVersionTakeTheirDefaults() {
        // Metadata v3 has no allow_auto_topic_creation: it means true.
        ByteBuffer v3 = MessageCodec.write(new MetadataRequest(List.of(), false, false, false), (short) 3);
        MetadataRequest read = MessageCodec.read(MetadataRequest.class, v3, (short) 3);
        assertEquals(true, read.allowAutoTopicCreation());
    }

    @Test
    void apiVersionsResponsesAlwaysUseHeaderVersionZero() {
        for (short v = 0; v <= 4; v++) {
            assertEquals(0, ApiKey.API_VERSIONS.responseHeaderVersion(v));
        }
        assertEquals(2, ApiKey.API_VERSIONS.requestHeaderVersion((short) 3));
        assertEquals(1, ApiKey.METADATA.responseHeaderVersion((short) 9));
        assertEquals(0, ApiKey.METADATA.responseHeaderVersion((short) 8));
    }
}
