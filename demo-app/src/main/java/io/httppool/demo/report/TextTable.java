package io.httppool.demo.report;

import java.util.ArrayList;
import java.util.List;

/** The console view of a comparison: one row per run, HTTP runs first, then the targets. */
public final class TextTable {

    static final String[] HEADERS = {
        "scheme", "run", "agent", "warm-up s", "req/s", "p50 ms", "p99 ms", "errors",
        "upstream conns", "TLS handshakes", "alloc KB/req", "CPU ms/req", "threads", "startup ms", "1st req ms"
    };

    /** Behind a warm-up that ended at its cap, the JIT still at work. */
    static final String NOT_SETTLED_MARK = "*";

    /** What {@link #NOT_SETTLED_MARK} means, under the table and in the HTML report. */
    static final String NOT_SETTLED_NOTE = NOT_SETTLED_MARK + " the warm-up ended at its cap (--max-warmup) before the proxy's "
            + "JIT compiler had been idle for 5 s (or, where the proxy reports no JIT time, after --warmup): "
            + "that window may not be the steady state.";

    private TextTable() {
    }

    public static String render(ReportContext.Client client, List<RunResult> runs, List<TargetCheck.Target> targets) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        String previousScheme = null;
        for (RunResult r : runs) {
            if (previousScheme != null && !previousScheme.equals(r.scheme())) {
                rows.add(null); // a rule between the schemes
            }
            previousScheme = r.scheme();
            rows.add(new String[] {
                r.scheme(), r.name(), r.agentAttached() ? "yes" : "no", Numbers.warmup(r),
                Numbers.rps(r.requestsPerSecond()), Numbers.millis(r.p50Millis()), Numbers.millis(r.p99Millis()),
                Numbers.count(r.errors()), Numbers.count(r.upstreamConnections()), Numbers.count(r.tlsHandshakes()),
                Numbers.kilobytes(r.allocatedBytesPerRequest()), Numbers.cpuMillis(r.cpuMillisPerRequest()),
                Numbers.threads(r.liveThreads()), Numbers.wholeMillis(r.startupMillis()), Numbers.wholeMillis(r.firstRequestMillis())
            });
        }
        StringBuilder out = new StringBuilder();
        out.append("client: ").append(client.name()).append(" (").append(client.library()).append(")\n")
                .append("  before, after, toggled-off: ").append(client.naiveHabit()).append('\n')
                .append("  reference:                  ").append(client.sharedFix()).append("\n\n");
        appendAligned(out, rows, true);
        if (!targets.isEmpty()) {
            out.append('\n').append("Targets (issue 4; throughput and latency are the steady state after the warm-up):\n");
            List<String[]> targetRows = new ArrayList<>();
            for (TargetCheck.Target t : targets) {
                targetRows.add(new String[] {
                    "  " + t.scheme(), t.label(), Numbers.measured(t), t.thresholdText(), Numbers.verdict(t)
                });
            }
            appendAligned(out, targetRows, false);
        }
        if (runs.stream().anyMatch(RunResult::warmupEndedUnsettled)) {
            out.append('\n').append(NOT_SETTLED_NOTE).append('\n');
        }
        out.append('\n').append(steadinessNote(runs)).append('\n');
        return out.toString();
    }

    /** How far the second half of a window may differ from the first before the window counts as unsteady. */
    static final double STEADY_TOLERANCE = 0.15;

    /**
     * Whether each run's window was steady: its second half's throughput within
     * {@link #STEADY_TOLERANCE} of its first half's. A warm-up too short for the JIT shows as a
     * second half faster than the first.
     */
    static String steadinessNote(List<RunResult> runs) {
        List<String> unsteady = new ArrayList<>();
        for (RunResult r : runs) {
            double ratio = r.halvesRatio();
            if (!Double.isNaN(ratio) && Math.abs(ratio - 1) > STEADY_TOLERANCE) {
                unsteady.add(r.scheme() + " " + r.name() + " " + Numbers.ratio(ratio) + "x");
            }
        }
        if (unsteady.isEmpty()) {
            return "Steady state: in every run the window's second half ran within 15% of its first half's throughput.";
        }
        return "Not steady: the window's second half ran at more than 15% from its first half's throughput in "
                + String.join(", ", unsteady) + ".\n"
                + "A longer --warmup or --max-warmup helps if the second halves are faster (JIT still at work); otherwise the machine's load changed.";
    }

    /** Text left-aligned, numbers right-aligned; a null row is a horizontal rule. */
    private static void appendAligned(StringBuilder out, List<String[]> rows, boolean firstIsHeader) {
        int columns = 0;
        for (String[] row : rows) {
            if (row != null) {
                columns = Math.max(columns, row.length);
            }
        }
        int[] widths = new int[columns];
        for (String[] row : rows) {
            if (row != null) {
                for (int c = 0; c < row.length; c++) {
                    widths[c] = Math.max(widths[c], row[c].length());
                }
            }
        }
        boolean[] numericColumn = new boolean[columns];
        for (int r = firstIsHeader ? 1 : 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int c = 0; row != null && c < row.length; c++) {
                numericColumn[c] |= isNumber(row[c]);
            }
        }
        int total = 0;
        for (int w : widths) {
            total += w + 2;
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (row == null) {
                out.append("-".repeat(Math.max(0, total - 2))).append('\n');
                continue;
            }
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                String cell = row[c];
                boolean numeric = firstIsHeader && r == 0 ? numericColumn[c] : isNumber(cell);
                String pad = " ".repeat(widths[c] - cell.length());
                line.append(numeric ? pad + cell : cell + pad);
                if (c < row.length - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static boolean isNumber(String cell) {
        return !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.equals("n/a"));
    }
}
