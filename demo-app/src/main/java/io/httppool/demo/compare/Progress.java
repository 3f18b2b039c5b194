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

    /** Called often while a run's load is going; only terminals see it. */
    void running(int index, String scheme, String name, double elapsed, int warmup, int seconds) {
        if (!inPlace) {
            return;
        }
        double all = warmup + seconds;
        double fraction = Math.min(1, elapsed / all);
        int filled = (int) Math.round(fraction * BAR);
        String phase = elapsed < warmup ? "warm-up" : "measuring";
        redraw(String.format(Locale.ROOT, "%s[%s%s] %4.1f/%d s %s", prefix(index, scheme, name),
                "#".repeat(filled), ".".repeat(BAR - filled), Math.min(elapsed, all), (int) all, phase));
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
