package io.httppool.demo.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The targets of issue 4 that one {@code compare} can check, computed from its runs.
 *
 * <p>Benchmark targets, not test assertions: a report shows met or missed, and the reason for a
 * miss belongs in the README. The start-up and per-request overhead targets need the JMH
 * benchmark and the {@code startup} command and are not part of this list.
 */
public final class TargetCheck {

    /**
     * @param measured  the ratio or count measured, NaN when a run is missing or a divisor is zero
     * @param atLeast   true when the target is a lower bound
     */
    public record Target(String scheme, String label, String formula, double measured, double threshold, boolean atLeast) {

        /** Empty when it cannot be computed. */
        public Optional<Boolean> met() {
            if (Double.isNaN(measured) || Double.isInfinite(measured)) {
                return Optional.empty();
            }
            return Optional.of(atLeast ? measured >= threshold : measured <= threshold);
        }

        public String thresholdText() {
            return (atLeast ? ">= " : "<= ") + trim(threshold);
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /** The agent's default HTTP_MAX_CONNECTIONS: its pool never holds more, whatever the concurrency. */
    static final int AGENT_MAX_CONNECTIONS = 100;

    private TargetCheck() {
    }

    /** One run per variant and scheme: the ratios are those of these runs. */
    public static List<Target> evaluate(List<RunResult> runs, int concurrency) {
        return evaluate(runs, List.of(runs), concurrency);
    }

    /**
     * @param runs   one run per variant and scheme (with {@code --repeat}, the median-throughput
     *               one); the counts (handshakes) are taken from these
     * @param rounds every round's runs: a ratio target is the median of the ratios within each
     *               round, variants measured side by side, so drift of the machine between
     *               rounds does not enter a ratio
     */
    public static List<Target> evaluate(List<RunResult> runs, List<List<RunResult>> rounds, int concurrency) {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("https", "throughput after / before", "after.rps / before.rps",
                pairedRatio(rounds, "after", "before", "https", Metric.RPS), 10, true));
        targets.add(new Target("https", "throughput after / reference", "after.rps / reference.rps",
                pairedRatio(rounds, "after", "reference", "https", Metric.RPS), 0.95, true));
        targets.add(new Target("https", "TLS handshakes in the after run", "after.tls_handshakes <= concurrency + 5",
                find(runs, "after", "https").map(r -> (double) r.tlsHandshakes()).orElse(Double.NaN), concurrency + 5, false));
        targets.add(new Target("https", "allocation per request after / before", "after.alloc / before.alloc",
                pairedRatio(rounds, "after", "before", "https", Metric.ALLOC), 0.2, false));
        targets.add(new Target("https", "p99 latency after / reference", "after.p99 / reference.p99",
                pairedRatio(rounds, "after", "reference", "https", Metric.P99), 1.1, false));
        targets.add(new Target("http", "throughput after / before", "after.rps / before.rps",
                pairedRatio(rounds, "after", "before", "http", Metric.RPS), 3, true));
        // Holds at any concurrency: above 100 concurrent requests the pool makes callers wait rather
        // than open more connections (the one above is concurrency + 5 and grows with it).
        targets.add(new Target("https", "TLS handshakes in the after run, any concurrency",
                "after.tls_handshakes <= HTTP_MAX_CONNECTIONS (" + AGENT_MAX_CONNECTIONS + ") + 5",
                find(runs, "after", "https").map(r -> (double) r.tlsHandshakes()).orElse(Double.NaN),
                AGENT_MAX_CONNECTIONS + 5, false));
        return targets;
    }

    private enum Metric { RPS, ALLOC, P99 }

    /** The median over the rounds that ran both variants of the ratio within the round; NaN if none did. */
    private static double pairedRatio(List<List<RunResult>> rounds, String numerator, String denominator, String scheme,
                                      Metric metric) {
        List<Double> ratios = new ArrayList<>();
        for (List<RunResult> round : rounds) {
            double r = ratio(find(round, numerator, scheme), find(round, denominator, scheme), metric);
            if (!Double.isNaN(r)) {
                ratios.add(r);
            }
        }
        if (ratios.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(ratios);
        int n = ratios.size();
        return n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
    }

    private static double ratio(Optional<RunResult> a, Optional<RunResult> b, Metric metric) {
        if (a.isEmpty() || b.isEmpty()) {
            return Double.NaN;
        }
        double divisor = value(b.get(), metric);
        return divisor == 0 ? Double.NaN : value(a.get(), metric) / divisor;
    }

    private static double value(RunResult r, Metric metric) {
        return switch (metric) {
            case RPS -> r.requestsPerSecond();
            case ALLOC -> r.allocatedBytesPerRequest();
            case P99 -> r.p99Millis();
        };
    }

    static Optional<RunResult> find(List<RunResult> runs, String name, String scheme) {
        return runs.stream().filter(r -> r.name().equals(name) && r.scheme().equals(scheme)).findFirst();
    }
}
