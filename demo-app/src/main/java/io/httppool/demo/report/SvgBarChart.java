package io.httppool.demo.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A grouped bar chart as inline SVG: one group per scheme, one bar per run. No script and no
 * external resource, so the report is one file that opens anywhere, also offline.
 */
final class SvgBarChart {

    record Series(String name, String color) {
    }

    private static final int WIDTH = 520;
    private static final int HEIGHT = 290;
    private static final int LEFT = 62;
    private static final int RIGHT = 12;
    private static final int TOP = 34;
    private static final int BOTTOM = 32;

    private SvgBarChart() {
    }

    /**
     * @param values [group][series]; NaN draws no bar
     * @param log    log10 axis, for counts that differ by orders of magnitude (connections)
     */
    static String render(String title, List<String> groups, List<Series> series, double[][] values,
                         DoubleFunction<String> label, boolean log) {
        double max = 0;
        for (double[] group : values) {
            for (double v : group) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        Axis axis = log ? Axis.log(max) : Axis.linear(max);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder(4096);
        svg.append(String.format(Locale.ROOT,
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");

        // legend
        int x = LEFT;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"8\" width=\"11\" height=\"11\" fill=\"%s\"/><text x=\"%d\" y=\"18\" class=\"legend\">%s</text>%n",
                    x, s.color(), x + 15, Html.escape(s.name())));
            x += 22 + s.name().length() * 7;
        }

        // grid and y labels
        for (double tick : axis.ticks) {
            double y = TOP + plotHeight - axis.fraction(tick) * plotHeight;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n",
                    LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, Html.escape(tickLabel(tick))));
        }

        // bars
        double groupWidth = (double) plotWidth / Math.max(1, groups.size());
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        for (int g = 0; g < groups.size(); g++) {
            double groupX = LEFT + g * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double v = g < values.length && s < values[g].length ? values[g][s] : Double.NaN;
                if (Double.isNaN(v)) {
                    continue;
                }
                double h = axis.fraction(v) * plotHeight;
                double bx = groupX + s * barWidth;
                double by = TOP + plotHeight - h;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>%n",
                        bx + 1, by, barWidth - 2, h, series.get(s).color(),
                        Html.escape(groups.get(g)), Html.escape(series.get(s).name()), Html.escape(label.apply(v))));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" class=\"value\" text-anchor=\"middle\">%s</text>%n",
                        bx + barWidth / 2, by - 4, Html.escape(label.apply(v))));
            }
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" class=\"group\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + g * groupWidth + groupWidth / 2, HEIGHT - 10, Html.escape(groups.get(g))));
        }
        svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, WIDTH - RIGHT, TOP + plotHeight, TOP + plotHeight));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String tickLabel(double v) {
        if (v >= 1_000_000) {
            return trim(v / 1_000_000) + "M";
        }
        if (v >= 1_000) {
            return trim(v / 1_000) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Maps values to [0, 1] of the plot height and lists the grid lines. */
    private static final class Axis {
        final double[] ticks;
        final boolean log;
        final double top;

        private Axis(double[] ticks, boolean log, double top) {
            this.ticks = ticks;
            this.log = log;
            this.top = top;
        }

        static Axis linear(double max) {
            if (max <= 0) {
                return new Axis(new double[] {0, 1}, false, 1);
            }
            double rough = max / 4;
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double step = magnitude;
            for (double m : new double[] {1, 2, 2.5, 5, 10}) {
                if (magnitude * m >= rough) {
                    step = magnitude * m;
                    break;
                }
            }
            int count = (int) Math.ceil(max / step);
            double[] ticks = new double[count + 1];
            for (int i = 0; i <= count; i++) {
                ticks[i] = i * step;
            }
            return new Axis(ticks, false, count * step);
        }

        /** Decades from 1; values below 1 (zero connections) sit on the axis. */
        static Axis log(double max) {
            int decades = Math.max(1, (int) Math.ceil(Math.log10(Math.max(max, 1) * 1.0001)));
            double[] ticks = new double[decades + 1];
            for (int i = 0; i <= decades; i++) {
                ticks[i] = Math.pow(10, i);
            }
            return new Axis(ticks, true, decades);
        }

        double fraction(double v) {
            if (log) {
                if (v <= 0) {
                    return 0;
                }
                // A sliver for 1 (log 0) so a run with a single connection still shows a bar.
                return Math.max(0.01, Math.log10(v) / top);
            }
            return v / top;
        }
    }
}
