package io.httppool.demo.startup;

import static io.httppool.demo.common.Json.number;
import static io.httppool.demo.common.Json.quote;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What {@code startup} measured: the console lines and {@code startup.json}.
 *
 * @param java        the java executable the measured JVMs ran on
 * @param javaVersion its {@code java.version}
 * @param jvmOptions  options both sides ran with ({@code --jvm-option})
 * @param client      the library of the one-call JVM
 */
record StartupReport(Instant generatedAt, String java, String javaVersion, List<String> jvmOptions, String agentJar, String client, int runs,
                     List<Measurement> measurements) {

    /**
     * One kind of JVM, timed without and with the agent.
     *
     * @param name        {@code hello_world} or {@code one_call}
     * @param description what the JVM does
     */
    record Measurement(String name, String description, Samples without, Samples with) {

        double differenceOfMedians() {
            return with.median() - without.median();
        }
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-28s  %-21s  %-21s  %s%n", "JVM (ms, min / median / max)",
                "without agent", "with agent", "agent start-up cost (medians)"));
        for (Measurement m : measurements) {
            out.append(String.format(Locale.ROOT, "%-28s  %-21s  %-21s  %+,.0f ms%n", m.description(),
                    triple(m.without()), triple(m.with()), m.differenceOfMedians()));
        }
        return out.toString();
    }

    private static String triple(Samples s) {
        return String.format(Locale.ROOT, "%,5.0f / %,5.0f / %,5.0f", s.min(), s.median(), s.max());
    }

    String json() {
        StringBuilder json = new StringBuilder(2048);
        json.append("{\n");
        json.append("  \"generated_at\": ").append(quote(generatedAt.toString())).append(",\n");
        json.append("  \"java\": ").append(quote(java)).append(",\n");
        json.append("  \"java_version\": ").append(quote(javaVersion)).append(",\n");
        json.append("  \"jvm_options\": [");
        for (int i = 0; i < jvmOptions.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(quote(jvmOptions.get(i)));
        }
        json.append("],\n");
        json.append("  \"agent_jar\": ").append(quote(agentJar)).append(",\n");
        json.append("  \"client\": ").append(quote(client)).append(",\n");
        json.append("  \"runs\": ").append(runs).append(",\n");
        json.append("  \"measurements\": [");
        for (int i = 0; i < measurements.size(); i++) {
            Measurement m = measurements.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(quote(m.name()))
                    .append(", \"description\": ").append(quote(m.description()))
                    .append(",\n     \"without_agent_ms\": ").append(samples(m.without()))
                    .append(",\n     \"with_agent_ms\": ").append(samples(m.with()))
                    .append(",\n     \"difference_of_medians_ms\": ").append(number(m.differenceOfMedians()))
                    .append('}');
        }
        json.append(measurements.isEmpty() ? "]\n" : "\n  ]\n");
        json.append("}\n");
        return json.toString();
    }

    private static String samples(Samples s) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"min\": ").append(number(s.min()))
                .append(", \"median\": ").append(number(s.median()))
                .append(", \"max\": ").append(number(s.max()))
                .append(", \"samples\": [");
        for (int i = 0; i < s.millis().size(); i++) {
            json.append(i == 0 ? "" : ", ").append(number(s.millis().get(i)));
        }
        return json.append("]}").toString();
    }
}
