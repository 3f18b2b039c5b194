package io.httppool.demo.report;

import java.util.Locale;

/** How figures are shown to people, the same in the console table and the HTML report. */
final class Numbers {

    private Numbers() {
    }

    static String rps(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String millis(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A live thread count; negative (not reported) shows as n/a. */
    static String threads(long v) {
        return v < 0 ? "n/a" : count(v);
    }

    /** Start-up and first-request times: whole milliseconds. */
    static String wholeMillis(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /**
     * A run's warm-up in seconds, marked {@link TextTable#NOT_SETTLED_MARK} when it ended at its cap
     * without the proxy's JIT having settled.
     */
    static String warmup(RunResult r) {
        if (Double.isNaN(r.warmupSeconds())) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f", r.warmupSeconds()) + (r.warmupEndedUnsettled() ? TextTable.NOT_SETTLED_MARK : "");
    }

    static String kilobytes(double bytes) {
        return String.format(Locale.ROOT, "%,.1f", bytes / 1024.0);
    }

    static String cpuMillis(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.2f", v);
    }

    static String verdict(TargetCheck.Target t) {
        return t.met().map(met -> met ? "met" : "MISSED").orElse("n/a");
    }

    /** A target's measured value: a count for thresholds on counts, a ratio otherwise. */
    static String measured(TargetCheck.Target t) {
        if (t.label().contains("handshakes")) {
            return Double.isNaN(t.measured()) ? "n/a" : count((long) t.measured());
        }
        return ratio(t.measured()) + (Double.isNaN(t.measured()) ? "" : "x");
    }
}
