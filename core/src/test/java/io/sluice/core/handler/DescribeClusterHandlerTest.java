package io.sluice.core.handler;

import static io.sluice.core.metadata.TestImages.broker;
import static io.sluice.core.metadata.TestImages.image;
import static io.sluice.core.metadata.TestImages.plaintextOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.core.metadata.TestImages;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DescribeClusterHandlerTest {
    private final ClusterImage image = image(List.of(broker(1, "rack-a"), plaintextOnly(2)), 2, List.of(), Set.of());
    private final DescribeClusterHandler handler = new DescribeClusterHandler(() -> image);

    @Test
    void describesLiveBrokersForTheRequestsListener() {
        for (int version = 0; version <= 1; version++) {
            DescribeClusterResponse r = HandlerCall.call(handler, new DescribeClusterRequest(false, (byte) 1), version);
            assertEquals(Errors.NONE.code(), r.errorCode());
            assertNull(r.errorMessage());
            assertEquals(TestImages.CLUSTER_ID, r.clusterId());
            assertEquals(2, r.controllerId());
            assertEquals(List.of(new DescribeClusterResponse.Broker(1, "127.0.0.1", 9091, "rack-a"),
                new DescribeClusterResponse.Broker(2, "127.0.0.1", 9092, null)), r.brokers());
            assertEquals(Integer.MIN_VALUE, r.clusterAuthorizedOperations());
            assertEquals(1, r.endpointType());
        }
    }

    @Test
    void aControllerThatIsNotListedIsReportedAsMinusOne() {
        DescribeClusterResponse r = HandlerCall.call(handler, new DescribeClusterRequest(false, (byte) 1), 1, "EXTERNAL");
        assertEquals(List.of(new DescribeClusterResponse.Broker(1, "broker1.example.com", 19091, "rack-a")), r.brokers());
        assertEquals(-1, r.controllerId(), "broker 2 has no EXTERNAL endpoint");
    }

    @Test
    void authorizedOperationsWhenAsked() {
        DescribeClusterResponse r = HandlerCall.call(handler, new DescribeClusterRequest(true, (byte) 1), 1);
        assertEquals(AuthorizedOperations.ALL_CLUSTER, r.clusterAuthorizedOperations());
    }

    @Test
    void askingABrokerForControllersIsAMismatchedEndpointType() {
        DescribeClusterResponse r = HandlerCall.call(handler, new DescribeClusterRequest(false, (byte) 2), 1);
        assertEquals(Errors.MISMATCHED_ENDPOINT_TYPE.code(), r.errorCode());
        assertNotNull(r.errorMessage());
        assertEquals(List.of(), r.brokers());
    }

    @Test
    void anUnknownEndpointTypeIsUnsupported() {
        DescribeClusterResponse r = HandlerCall.call(handler, new DescribeClusterRequest(false, (byte) 7), 1);
        assertEquals(Errors.UNSUPPORTED_ENDPOINT_TYPE.code(), r.errorCode());
        assertNotNull(r.errorMessage());
    }

    @Test
    void noClusterIdYetIsAnEmptyString() {
        DescribeClusterHandler h = new DescribeClusterHandler(() -> ClusterImage.EMPTY);
        DescribeClusterResponse r = HandlerCall.call(h, new DescribeClusterRequest(false, (byte) 1), 1);
        assertEquals("", r.clusterId());
        assertEquals(-1, r.controllerId());
    }

    @Test
    void errorResponseCarriesTheErrorAndItsMessage() {
        DescribeClusterResponse r = HandlerCall.errorResponse(handler, new DescribeClusterRequest(false, (byte) 1), 1,
            Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), r.errorCode());
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.message(), r.errorMessage());
    }
}
