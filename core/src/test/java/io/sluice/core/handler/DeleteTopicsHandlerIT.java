package io.sluice.core.handler;

import static io.sluice.core.metadata.AdminTestCluster.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.core.metadata.AdminTestCluster;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeleteTopicsHandlerIT {
    @RegisterExtension
    static final AdminTestCluster zk = new AdminTestCluster();

    private static Uuid create(String name) {
        CreateTopicsResponse r = HandlerCall.call(new CreateTopicsHandler(zk.admin), new CreateTopicsRequest(
            List.of(new CreateTopicsRequest.Topic(name, 2, (short) 1, List.of(), List.of())), 10_000, false), 7);
        assertEquals(Errors.NONE.code(), r.topics().get(0).errorCode(), r.topics().get(0).errorMessage());
        return r.topics().get(0).topicId();
    }

    private static DeleteTopicsResponse deleteByName(int version, int timeoutMs, String... names) {
        DeleteTopicsRequest request = version >= 6
            ? new DeleteTopicsRequest(List.of(names).stream().map(n -> new DeleteTopicsRequest.Topic(n, Uuid.ZERO)).toList(),
                List.of(), timeoutMs)
            : new DeleteTopicsRequest(List.of(), List.of(names), timeoutMs);
        return HandlerCall.call(new DeleteTopicsHandler(zk.admin), request, version);
    }

    private static DeleteTopicsResponse deleteV6(DeleteTopicsRequest.Topic... topics) {
        return HandlerCall.call(new DeleteTopicsHandler(zk.admin),
            new DeleteTopicsRequest(List.of(topics), List.of(), 10_000), 6);
    }

    private static void assertError(Errors expected, DeleteTopicsResponse.Response r, String messagePart) {
        assertEquals(expected.code(), r.errorCode(), () -> "got " + Errors.forCode(r.errorCode()) + ": " + r.errorMessage());
        assertNotNull(r.errorMessage());
        assertTrue(r.errorMessage().contains(messagePart), r.errorMessage());
    }

    @Test
    void deletesByNameAndAnswersOnceTheTopicIsGone() throws Exception {
        zk.start();
        create("doomed");
        create("kept");
        DeleteTopicsResponse r = deleteByName(5, 10_000, "doomed");
        assertEquals(List.of(new DeleteTopicsResponse.Response("doomed", Uuid.ZERO, Errors.NONE.code(), null)), r.responses());
        assertTrue(zk.admin.image().topic("doomed").isEmpty(), "gone from the image when the response arrives");
        assertTrue(zk.store.readTopicAssignment("doomed").isEmpty());
        assertTrue(zk.admin.image().topic("kept").isPresent());
    }

    @Test
    void v6DeletesByNameOrByIdAndNamesBoth() throws Exception {
        zk.start();
        Uuid a = create("by-name");
        Uuid b = create("by-id");
        DeleteTopicsResponse r = deleteV6(new DeleteTopicsRequest.Topic("by-name", Uuid.ZERO),
            new DeleteTopicsRequest.Topic(null, b));
        assertEquals(List.of(new DeleteTopicsResponse.Response("by-name", a, Errors.NONE.code(), null),
            new DeleteTopicsResponse.Response("by-id", b, Errors.NONE.code(), null)), r.responses());
        assertTrue(zk.admin.image().topics().isEmpty());
    }

    @Test
    void v1DeletesToo() throws Exception {
        zk.start();
        create("old-client");
        DeleteTopicsResponse r = deleteByName(1, 10_000, "old-client");
        assertEquals(Errors.NONE.code(), r.responses().get(0).errorCode());
    }

    @Test
    void unknownTopicsAndIds() throws Exception {
        zk.start();
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, deleteByName(6, 1000, "missing").responses().get(0), "missing");
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, deleteByName(6, 1000, "bad name").responses().get(0), "illegal");
        Uuid unknown = new Uuid(5, 5);
        DeleteTopicsResponse.Response byId = deleteV6(new DeleteTopicsRequest.Topic(null, unknown)).responses().get(0);
        assertError(Errors.UNKNOWN_TOPIC_ID, byId, unknown.toString());
        assertEquals(unknown, byId.topicId());
        assertNull(byId.name());
    }

    @Test
    void v6NeedsExactlyOneOfNameAndId() throws Exception {
        zk.start();
        Uuid id = create("either");
        DeleteTopicsResponse r = deleteV6(new DeleteTopicsRequest.Topic("either", id),
            new DeleteTopicsRequest.Topic(null, Uuid.ZERO));
        assertError(Errors.INVALID_REQUEST, r.responses().get(0), "not both");
        assertError(Errors.INVALID_REQUEST, r.responses().get(1), "required");
        assertTrue(zk.admin.image().topic("either").isPresent());
    }

    @Test
    void deletionDisabledIsTopicDeletionDisabledOrInvalidRequestBeforeV3() throws Exception {
        zk.start(options().prop("delete.topic.enable", "false"));
        create("protected");
        assertError(Errors.TOPIC_DELETION_DISABLED, deleteByName(5, 1000, "protected").responses().get(0),
            "delete.topic.enable");
        assertEquals(Errors.TOPIC_DELETION_DISABLED.code(), deleteByName(3, 1000, "protected").responses().get(0).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), deleteByName(2, 1000, "protected").responses().get(0).errorCode());
        assertEquals(Errors.TOPIC_DELETION_DISABLED.code(),
            deleteV6(new DeleteTopicsRequest.Topic(null, zk.admin.image().topic("protected").orElseThrow().id()))
                .responses().get(0).errorCode());
        assertTrue(zk.store.readTopicAssignment("protected").isPresent());
    }

    @Test
    void internalTopicsCannotBeDeleted() throws Exception {
        zk.start();
        zk.store.createTopic("__consumer_offsets", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        assertError(Errors.INVALID_REQUEST, deleteByName(6, 1000, "__consumer_offsets").responses().get(0), "internal");
        assertTrue(zk.store.readTopicAssignment("__consumer_offsets").isPresent());
    }

    @Test
    void aDeletionThatDoesNotFinishInTimeIsRequestTimedOut() throws Exception {
        zk.start(options().withoutController());
        zk.store.createTopic("stuck", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        zk.awaitImage("stuck visible", image -> image.topic("stuck").isPresent());
        assertError(Errors.REQUEST_TIMED_OUT, deleteByName(6, 200, "stuck").responses().get(0), "marked for deletion");
        zk.awaitImage("marked", image -> image.isPendingDeletion("stuck"));
        DeleteTopicsResponse again = deleteByName(6, 0, "stuck");
        assertEquals(Errors.NONE.code(), again.responses().get(0).errorCode(), "timeout 0 answers after marking");
    }

    @Test
    void repeatedEntriesAreAnsweredOnce() throws Exception {
        zk.start();
        create("twice");
        DeleteTopicsResponse r = deleteByName(5, 10_000, "twice", "twice");
        assertEquals(1, r.responses().size());
        assertEquals(Errors.NONE.code(), r.responses().get(0).errorCode());
    }

    @Test
    void theErrorResponseCoversEveryTopic() throws Exception {
        zk.start();
        DeleteTopicsResponse r = HandlerCall.errorResponse(new DeleteTopicsHandler(zk.admin),
            new DeleteTopicsRequest(List.of(new DeleteTopicsRequest.Topic("a", Uuid.ZERO),
                new DeleteTopicsRequest.Topic(null, new Uuid(1, 2))), List.of(), 100), 6, Errors.UNKNOWN_SERVER_ERROR);
        assertEquals(2, r.responses().size());
        r.responses().forEach(x -> assertError(Errors.UNKNOWN_SERVER_ERROR, x, ""));
    }
}
