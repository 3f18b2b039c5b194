package io.httppool.demo.startup;

import java.util.Arrays;
import java.util.List;

/** Wall-clock times of repeated runs, in milliseconds, in the order they were taken. */
record Samples(List<Double> millis) {

    Samples {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        millis = List.copyOf(millis);
    }

    double min() {
        return sorted()[0];
    }

    double max() {
        double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /** The middle value; for an even count the mean of the two middle ones. */
    double median() {
        double[] sorted = sorted();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private double[] sorted() {
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(values);
        return values;
    }
}
