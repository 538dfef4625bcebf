package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example configuration shipped in config/ parses. */
class ExampleConfigTest {
    @Test
    void exampleConfigParses() throws Exception {
        MonitorConfig c = MonitorConfig.load(Path.of("..", "config", "lag-monitor.properties"));
        assertEquals(8000, c.httpPort());
        assertEquals("local", c.clusters().get(0).name());
        assertEquals(10, c.clusters().get(0).windowSize());
    }
}
