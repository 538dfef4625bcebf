package io.sluice.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class MetadataWaiterTest {
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final MetadataWaiter waiter = new MetadataWaiter(scheduler, ClusterImage.EMPTY);

    private static ClusterImage withTopic(String name) {
        return TestImages.image(List.of(TestImages.broker(1)),
            List.of(TestImages.topic(name, Uuid.randomUuid(), TestImages.led(List.of(1), 1, 0, List.of(1)))));
    }

    private static Predicate<ClusterImage> has(String topic) {
        return image -> image.topic(topic).isPresent();
    }

    @Test
    void completesAtOnceWhenTheCurrentImageAlreadySatisfiesTheCondition() {
        ClusterImage image = withTopic("t");
        waiter.onImage(image);
        CompletableFuture<Optional<ClusterImage>> f = waiter.await(has("t"), 1000);
        assertEquals(Optional.of(image), f.getNow(null));
        assertEquals(0, waiter.pendingCount());
        assertEquals(0, scheduler.pending(), "no timer for a wait that is already over");
    }

    @Test
    void completesWithTheFirstImageThatSatisfiesTheCondition() {
        CompletableFuture<Optional<ClusterImage>> f = waiter.await(has("t"), 1000);
        waiter.onImage(withTopic("other"));
        assertFalse(f.isDone());
        ClusterImage image = withTopic("t");
        waiter.onImage(image);
        assertSame(image, f.getNow(null).orElseThrow());
        assertEquals(0, waiter.pendingCount());
        assertEquals(0, scheduler.pending(), "the timer was cancelled");
    }

    @Test
    void completesEmptyWhenTheTimeoutPassesFirst() {
        CompletableFuture<Optional<ClusterImage>> f = waiter.await(has("t"), 1000);
        time.advance(999);
        assertFalse(f.isDone());
        time.advance(1);
        assertEquals(Optional.empty(), f.getNow(null));
        assertEquals(0, waiter.pendingCount());
        waiter.onImage(withTopic("t"));
        assertEquals(Optional.empty(), f.getNow(null), "an image after the timeout changes nothing");
    }

    @Test
    void aZeroTimeoutChecksOnce() {
        assertEquals(Optional.empty(), waiter.await(has("t"), 0).getNow(null));
        assertEquals(0, waiter.pendingCount());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void manyWaitsCompleteIndependently() {
        CompletableFuture<Optional<ClusterImage>> a = waiter.await(has("a"), 1000);
        CompletableFuture<Optional<ClusterImage>> b = waiter.await(has("b"), 2000);
        waiter.onImage(withTopic("b"));
        assertFalse(a.isDone());
        assertTrue(b.getNow(null).isPresent());
        time.advance(1000);
        assertEquals(Optional.empty(), a.getNow(null));
    }

    @Test
    void aThrowingConditionFailsItsFuture() {
        CompletableFuture<Optional<ClusterImage>> f = waiter.await(image -> {
            if (image.topics().containsKey("boom")) {
                throw new IllegalStateException("boom");
            }
            return false;
        }, 1000);
        waiter.onImage(withTopic("boom"));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals("boom", e.getCause().getMessage());
        assertEquals(0, waiter.pendingCount());
    }

    @Test
    void closeCompletesPendingWaitsAsTimedOut() {
        CompletableFuture<Optional<ClusterImage>> f = waiter.await(has("t"), 1000);
        waiter.close();
        assertEquals(Optional.empty(), f.getNow(null));
        assertEquals(Optional.empty(), waiter.await(has("t"), 1000).getNow(null), "a closed waiter does not wait");
    }

    @Test
    void currentIsTheLatestImage() {
        assertSame(ClusterImage.EMPTY, waiter.current());
        ClusterImage image = withTopic("t");
        waiter.onImage(image);
        assertSame(image, waiter.current());
    }
}
