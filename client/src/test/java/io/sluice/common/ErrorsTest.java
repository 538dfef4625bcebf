package io.sluice.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** Checks the Sluice error table against kafka-clients, which is on the test classpath as the oracle. */
class ErrorsTest {

    private static Errors sluice(String name) {
        try {
            return Errors.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static org.apache.kafka.common.protocol.Errors kafka(String name) {
        try {
            return org.apache.kafka.common.protocol.Errors.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Test
    void everyKafkaErrorHasTheSameCodeAndRetriabilityHere() {
        for (org.apache.kafka.common.protocol.Errors k : org.apache.kafka.common.protocol.Errors.values()) {
            Errors s = sluice(k.name());
            assertNotNull(s, "missing Sluice constant for Kafka error " + k.name() + " (" + k.code() + ")");
            assertEquals(k.code(), s.code(), "code of " + k.name());
            boolean kafkaRetriable = k.exception() instanceof RetriableException;
            assertEquals(kafkaRetriable, s.retriable(), "retriable flag of " + k.name());
        }
    }

    @Test
    void everySluiceErrorExistsInKafka() {
        for (Errors s : Errors.values()) {
            org.apache.kafka.common.protocol.Errors k = kafka(s.name());
            assertNotNull(k, "Sluice constant " + s.name() + " (" + s.code() + ") is not a Kafka error");
            assertEquals(k.code(), s.code(), "code of " + s.name());
            assertSame(k, org.apache.kafka.common.protocol.Errors.forCode(s.code()), "Kafka's view of code " + s.code());
        }
        assertEquals(org.apache.kafka.common.protocol.Errors.values().length, Errors.values().length);
    }

    @Test
    void codesAreUnique() {
        Map<Short, Errors> seen = new HashMap<>();
        for (Errors e : Errors.values()) {
            Errors previous = seen.put(e.code(), e);
            if (previous != null) {
                fail("code " + e.code() + " used by both " + previous + " and " + e);
            }
        }
    }

    @Test
    void forCodeRoundTrips() {
        for (Errors e : Errors.values()) {
            assertSame(e, Errors.forCode(e.code()), "forCode(" + e.code() + ")");
        }
    }

    @Test
    void unknownCodesMapToUnknownServerError() {
        for (short code : new short[] {9999, -2, 134, Short.MAX_VALUE, Short.MIN_VALUE}) {
            assertSame(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode(code), "forCode(" + code + ")");
        }
    }

    @Test
    void isErrorIsFalseOnlyForNone() {
        assertFalse(Errors.NONE.isError());
        assertEquals(0, Errors.NONE.code());
        for (Errors e : Errors.values()) {
            if (e != Errors.NONE) {
                assertTrue(e.isError(), e.name());
            }
        }
    }

    @Test
    void everyMessageIsANonEmptySingleLine() {
        for (Errors e : Errors.values()) {
            String m = e.message();
            assertNotNull(m, e.name());
            assertFalse(m.isBlank(), "blank message for " + e.name());
            assertEquals(m.strip(), m, "leading or trailing whitespace in message of " + e.name());
            assertFalse(m.contains("\n") || m.contains("\r"), "multi-line message for " + e.name());
        }
    }
}
