package io.httppool.demo.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void readsValuesFlagsAndDefaults() {
        Args args = Args.parse(new String[] {"--seconds", "5", "--out=/tmp/x", "--verbose"});
        assertEquals(5, args.integer("seconds", 8, 1, 60));
        assertEquals(16, args.integer("concurrency", 16, 1, 60));
        assertEquals("/tmp/x", args.string("out", "demo-results"));
        assertTrue(args.flag("verbose"));
        args.rejectUnknown();
    }

    @Test
    void namesTyposAndBadValues() {
        Args typo = Args.parse(new String[] {"--secnds", "5"});
        typo.integer("seconds", 8, 1, 60);
        assertEquals("unknown option --secnds", assertThrows(Args.UsageException.class, typo::rejectUnknown).getMessage());

        Args bad = Args.parse(new String[] {"--seconds", "abc"});
        assertTrue(assertThrows(Args.UsageException.class, () -> bad.integer("seconds", 8, 1, 60))
                .getMessage().contains("--seconds abc"));
        Args range = Args.parse(new String[] {"--seconds", "0"});
        assertTrue(assertThrows(Args.UsageException.class, () -> range.integer("seconds", 8, 1, 60))
                .getMessage().contains("1..60"));
    }

    @Test
    void readyLineRoundTripsValuesWithSpaces() {
        String line = ReadyLine.format(Map.of("truststore", "/tmp/with space/t.p12"));
        assertEquals("/tmp/with space/t.p12", ReadyLine.parse(line).get("truststore"));
        assertEquals(null, ReadyLine.parse("something else"));
    }

    @Test
    void missingAgentJarSaysHowToBuildIt() {
        DemoJar.MissingAgentJarException e = assertThrows(DemoJar.MissingAgentJarException.class,
                () -> DemoJar.agentJar("/nonexistent/http-pool-agent.jar"));
        assertTrue(e.getMessage().contains("/nonexistent/http-pool-agent.jar"), e.getMessage());
    }
}
