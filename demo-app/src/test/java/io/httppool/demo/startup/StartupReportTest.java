package io.httppool.demo.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.httppool.demo.common.Args;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupReportTest {

    private static final StartupReport REPORT = new StartupReport(Instant.parse("2026-01-02T03:04:05Z"),
            "/jdk/bin/java", "25.0.1", List.of("-XX:SharedArchiveFile=/x/a.jsa", "-Xshare:auto"), "/x/http-pool-agent.jar", "okhttp", 4, List.of(
                    new StartupReport.Measurement("hello_world", "hello world",
                            new Samples(List.of(130.0, 120.0, 125.0, 200.0)), new Samples(List.of(210.0, 190.0, 205.0, 180.0))),
                    new StartupReport.Measurement("one_call", "one call (okhttp)",
                            new Samples(List.of(500.0, 480.0, 520.0, 510.0)), new Samples(List.of(1400.0, 1300.0, 1350.5, 1250.0)))));

    @Test
    void samplesGiveMinMedianAndMaxWhateverTheirOrder() {
        Samples odd = new Samples(List.of(9.0, 1.0, 5.0));
        assertEquals(1, odd.min(), 0);
        assertEquals(5, odd.median(), 0);
        assertEquals(9, odd.max(), 0);
        assertEquals(List.of(9.0, 1.0, 5.0), odd.millis(), "kept in the order taken");
        assertEquals(127.5, REPORT.measurements().get(0).without().median(), 1e-9, "even count: mean of the middle two");
        assertThrows(IllegalArgumentException.class, () -> new Samples(List.of()));
    }

    @Test
    void jsonHasBothJvmsWithoutAndWithTheAgent() throws Exception {
        JsonNode root = new ObjectMapper().readTree(REPORT.json());
        assertEquals("25.0.1", root.get("java_version").asText());
        assertEquals("/jdk/bin/java", root.get("java").asText());
        assertEquals("okhttp", root.get("client").asText());
        assertEquals("-XX:SharedArchiveFile=/x/a.jsa", root.get("jvm_options").get(0).asText());
        assertEquals(2, root.get("jvm_options").size());
        assertEquals(4, root.get("runs").asInt());
        JsonNode measurements = root.get("measurements");
        assertEquals(2, measurements.size());
        JsonNode oneCall = measurements.get(1);
        assertEquals("one_call", oneCall.get("name").asText());
        assertEquals(505, oneCall.get("without_agent_ms").get("median").asDouble(), 1e-9);
        assertEquals(1250, oneCall.get("with_agent_ms").get("min").asDouble(), 1e-9);
        assertEquals(1400, oneCall.get("with_agent_ms").get("max").asDouble(), 1e-9);
        assertEquals(1325.25, oneCall.get("with_agent_ms").get("median").asDouble(), 1e-9);
        assertEquals(4, oneCall.get("with_agent_ms").get("samples").size());
        assertEquals(1325.25 - 505, oneCall.get("difference_of_medians_ms").asDouble(), 1e-3);
    }

    @Test
    void tableShowsMinMedianMaxAndTheDifference() {
        String table = REPORT.table();
        String helloWorld = table.lines().filter(l -> l.startsWith("hello world")).findFirst().orElseThrow();
        assertTrue(helloWorld.contains("120 /   128 /   200"), helloWorld);
        assertTrue(helloWorld.contains("180 /   198 /   210"), helloWorld);
        assertTrue(helloWorld.endsWith("+70 ms"), helloWorld);
        assertTrue(table.contains("one call (okhttp)"));
    }

    @Test
    void javaOptionTakesAnExecutableOrAJdkHome(@TempDir Path dir) {
        Path running = Path.of(System.getProperty("java.home"), "bin", "java");
        assertEquals(running, StartupCommand.java(null));
        assertEquals(running.toAbsolutePath().normalize(), StartupCommand.java(running.toString()));
        assertEquals(running.toAbsolutePath().normalize(), StartupCommand.java(System.getProperty("java.home")));
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> StartupCommand.java(dir.resolve("nope").toString()));
        assertTrue(e.getMessage().startsWith("--java "), e.getMessage());
    }
}
