package io.sluice.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void legalNamesPass() {
        for (String name : List.of("a", "orders", "Orders-2024.v1_final", "...", "a..b", "-", "_", "x".repeat(249))) {
            assertEquals(Optional.empty(), TopicNames.invalidReason(name), name);
        }
    }

    @Test
    void emptyAndNullAreRefused() {
        assertEquals(Optional.of("Topic name is empty."), TopicNames.invalidReason(""));
        assertEquals(Optional.of("Topic name is empty."), TopicNames.invalidReason(null));
    }

    @Test
    void dotAndDotDotAreRefused() {
        assertTrue(TopicNames.invalidReason(".").orElseThrow().contains("\".\" or \"..\""));
        assertTrue(TopicNames.invalidReason("..").isPresent());
    }

    @Test
    void at249CharactersTheNameIsFullAt250ItIsTooLong() {
        assertTrue(TopicNames.isValid("a".repeat(249)));
        assertEquals(Optional.of("Topic name is longer than 249 characters (250)."),
            TopicNames.invalidReason("a".repeat(250)));
    }

    @Test
    void illegalCharactersAreNamedWithTheirIndex() {
        assertEquals(Optional.of("Topic name 'a b' is illegal: it contains a character other than ASCII alphanumerics,"
            + " '.', '_' and '-' (' ' at index 1)."), TopicNames.invalidReason("a b"));
        for (String name : List.of("a/b", "a:b", "ä", "a\nb", "a*", "a\\b", "tab\t")) {
            assertFalse(TopicNames.isValid(name), name);
        }
        assertTrue(TopicNames.invalidReason("a\nb").orElseThrow().contains("\\u000a"), "control characters are escaped");
    }

    @Test
    void validateThrowsInvalidTopicException() {
        ApiException e = assertThrows(ApiException.class, () -> TopicNames.validate("bad name"));
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION, e.error());
    }

    @Test
    void internalTopicsCannotBeCreatedByUsers() {
        assertTrue(TopicNames.isInternal("__consumer_offsets"));
        assertTrue(TopicNames.isInternal("__transaction_state"));
        assertFalse(TopicNames.isInternal("__my_topic"));
        ApiException e = assertThrows(ApiException.class, () -> TopicNames.validateForCreation("__consumer_offsets"));
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION, e.error());
        assertTrue(e.getMessage().contains("internal"), e.getMessage());
        TopicNames.validateForCreation("__my_topic");
    }

    @Test
    void dotsAndUnderscoresCollide() {
        assertEquals(Optional.of("a_b"), TopicNames.collision("a.b", List.of("x", "a_b")));
        assertEquals(Optional.of("a.b"), TopicNames.collision("a_b", List.of("a.b")));
        assertEquals(Optional.of("a.b_c"), TopicNames.collision("a_b.c", List.of("a.b_c")));
        assertEquals(Optional.empty(), TopicNames.collision("a.b", List.of("a.b")), "a topic does not collide with itself");
        assertEquals(Optional.empty(), TopicNames.collision("a-b", List.of("a_b")));
        assertEquals(Optional.empty(), TopicNames.collision("ab", List.of("a_b")));
    }
}
