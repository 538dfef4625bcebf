package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionCommandTest {
    @Test
    void printsTheBuiltVersionAndTheApis() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VersionCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("Sluice 0."), out);
        assertTrue(out.contains("Produce") && out.contains("versions 3-11"), out);
    }
}
