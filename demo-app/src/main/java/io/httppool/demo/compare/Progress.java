package io.httppool.demo.compare;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line: which run, which phase, how far. Redrawn in place on a terminal; when the
 * output goes to a file or a CI log, one line per run start and one per result instead.
 */
final class Progress {

    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean inPlace;
    private final int total;
    private int lastLength;

    Progress(PrintStream out, boolean inPlace, int total) {
        this.out = out;
        this.inPlace = inPlace;
        this.total = total;
    }

    static Progress forConsole(int total) {
        return new Progress(System.out, System.console() != null, total);
    }

    void starting(int index, String scheme, String name, String what) {
        String line = prefix(index, scheme, name) + what;
        if (inPlace) {
            redraw(line);
        } else {
            out.println(line);
        }
    }

    /**
     * Called often while a run's load is going; only terminals see it. The bar counts against the
     * longest the run can take until the warm-up has ended, then against its real length.
     *
     * @param warmupDone how long the warm-up lasted; NaN while it goes on
     */
    void running(int index, String scheme, String name, double elapsed, double warmupDone, int maxWarmup, int seconds) {
        if (!inPlace) {
            return;
        }
        boolean warming = Double.isNaN(warmupDone);
        double all = (warming ? maxWarmup : warmupDone) + seconds;
        double fraction = Math.min(1, elapsed / all);
        int filled = (int) Math.round(fraction * BAR);
        String done = warming
                ? String.format(Locale.ROOT, "%4.1f s warm-up (cap %d s)", elapsed, maxWarmup)
                : String.format(Locale.ROOT, "%4.1f/%d s measuring", Math.min(elapsed, all), (int) Math.round(all));
        redraw(String.format(Locale.ROOT, "%s[%s%s] %s", prefix(index, scheme, name),
                "#".repeat(filled), ".".repeat(BAR - filled), done));
    }

    void finished(int index, String scheme, String name, String summary) {
        String line = prefix(index, scheme, name) + summary;
        if (inPlace) {
            redraw(line);
            out.println();
            lastLength = 0;
        } else {
            out.println(line);
        }
    }

    void message(String text) {
        if (inPlace && lastLength > 0) {
            out.println();
            lastLength = 0;
        }
        out.println(text);
    }

    private String prefix(int index, String scheme, String name) {
        return String.format(Locale.ROOT, "[%d/%d] %-5s %-11s ", index, total, scheme, name);
    }

    private void redraw(String line) {
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }
}
