package io.httppool.demo.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.httppool.demo.common.Args;
import io.httppool.demo.proxy.UpstreamClient;
import io.httppool.demo.report.RunResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareCommandTest {

    @Test
    void repeatedRunsAreRepresentedByTheMedianThroughputRunWithAllItsFigures() {
        RunResult slow = run(100, 9.0);
        RunResult middle = run(200, 5.0);
        RunResult fast = run(300, 1.0);
        assertEquals(middle, CompareCommand.medianByThroughput(List.of(fast, slow, middle)));
        assertEquals(slow, CompareCommand.medianByThroughput(List.of(fast, slow)), "even count: the lower middle");
        assertEquals(fast, CompareCommand.medianByThroughput(List.of(fast)));
    }

    @Test
    void roundsAlternateTheOrderOfTheVariants() {
        List<Variant> given = List.of(Variant.parse("after"), Variant.parse("reference"), Variant.parse("before"));
        assertEquals(given, CompareCommand.roundOrder(given, 0));
        assertEquals(List.of(given.get(2), given.get(1), given.get(0)), CompareCommand.roundOrder(given, 1));
        assertEquals(given, CompareCommand.roundOrder(given, 2));
    }

    @Test
    void repeatedRunsKeepFilesOfTheirOwn() {
        assertEquals("https-after", RunExecutor.runId("https", Variant.parse("after"), 0, 1));
        assertEquals("https-after-1", RunExecutor.runId("https", Variant.parse("after"), 0, 3));
        assertEquals("http-reference-3", RunExecutor.runId("http", Variant.parse("reference"), 2, 3));
    }

    @Test
    void variantsMapToTheRightProxyAndAgentSettings() {
        assertEquals("client-per-request", Variant.parse("after").proxyClient());
        assertEquals("shared-pool", Variant.parse("reference").proxyClient());
        assertEquals("false", Variant.parse("toggled-off").poolEnabled);
        assertEquals(false, Variant.parse("before").agent);
    }

    @Test
    void clientNamesAreParsedAndAnUnknownOneListsTheValidOnes() {
        assertEquals(UpstreamClient.APACHE5_ASYNC, CompareCommand.client("apache5-async"));
        assertEquals(UpstreamClient.JDK, CompareCommand.client("JDK"));
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> CompareCommand.client("netty"));
        assertEquals("--client takes one of apache5, jdk, okhttp, apache4, apache5-async, not 'netty'", e.getMessage());
    }

    @Test
    void theMaxWarmupDefaultsToSixtySecondsAndIsNeverBelowTheMinimum() {
        assertEquals(60, CompareCommand.maxWarmup(Args.parse(new String[0]), 8));
        assertEquals(90, CompareCommand.maxWarmup(Args.parse(new String[0]), 90), "a longer --warmup alone: fixed");
        assertEquals(40, CompareCommand.maxWarmup(Args.parse(new String[] {"--max-warmup", "40"}), 4));
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> CompareCommand.maxWarmup(Args.parse(new String[] {"--max-warmup", "5"}), 8));
        assertEquals("--max-warmup 5 is out of range: accepted 8..3600", e.getMessage());
    }

    private static RunResult run(double rps, double p99) {
        return new RunResult("after", "apache5", "https", true, "client-per-request", 1, rps, 1, p99, 0, 16, 16, 1000, 1,
                40, 42, 300, 100, rps, rps, 12.5, true);
    }
}
