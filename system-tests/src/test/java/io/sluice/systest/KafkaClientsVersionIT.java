package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * Each Failsafe execution claims a Kafka client version (system property sluice.expected.kafka.clients.version,
 * see pom.xml); this checks that the client actually loaded is that one, and the only one.
 */
class KafkaClientsVersionIT {
    @Test
    void theLoadedKafkaClientIsTheOneThisExecutionClaims() throws Exception {
        String expected = System.getProperty("sluice.expected.kafka.clients.version");
        assertNotNull(expected, "sluice.expected.kafka.clients.version is not set: run through 'mvn verify'");

        assertEquals(expected, AppInfoParser.getVersion(), "AppInfoParser.getVersion()");

        List<URL> copies = Collections.list(
                getClass().getClassLoader().getResources("kafka/kafka-version.properties"));
        assertEquals(1, copies.size(), "exactly one kafka-clients on the test classpath: " + copies);

        String jar = Admin.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(jar.endsWith("kafka-clients-" + expected + ".jar"), "Admin comes from " + jar);
    }
}
