package io.httppool.agent.log;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The agent's only log sink: the SLF4J {@code Logger} API (relocated with the agent) over a few lines of
 * our own that write one tagged line per call to standard error.
 *
 * <p>Why not an SLF4J provider found through {@code LoggerFactory}: provider discovery scans the
 * application's class path ({@code ServiceLoader}) on the thread that logs first, costs tens of
 * milliseconds of start-up, and when two agent threads log while it runs, SLF4J prints its own
 * "intercepted and replayed" notices on the application's stderr. This logger needs no discovery, no
 * configuration file and no system property: nothing of the application's logging is read or touched.
 *
 * <p>Each line is built whole and written with one {@code println}, which {@link PrintStream} does under
 * its own lock: lines of different threads never interleave, and each thread's lines keep their order.
 */
final class StderrLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final int threshold;
    private final transient PrintStream out;

    /**
     * A logger named {@link AgentLog#NAME}. Made here, typed as the interface, so that verifying
     * {@link AgentLog} (loaded in premain) does not load SLF4J's {@code Logger} to check the assignment.
     */
    static Logger create(Level threshold, PrintStream out) {
        return new StderrLogger(AgentLog.NAME, threshold, out);
    }

    private StderrLogger(String name, Level threshold, PrintStream out) {
        this.name = name;
        this.threshold = threshold == null ? Integer.MAX_VALUE : threshold.toInt();
        this.out = out;
    }

    @Override
    public boolean isTraceEnabled() {
        return Level.TRACE.toInt() >= threshold;
    }

    @Override
    public boolean isDebugEnabled() {
        return Level.DEBUG.toInt() >= threshold;
    }

    @Override
    public boolean isInfoEnabled() {
        return Level.INFO.toInt() >= threshold;
    }

    @Override
    public boolean isWarnEnabled() {
        return Level.WARN.toInt() >= threshold;
    }

    @Override
    public boolean isErrorEnabled() {
        return Level.ERROR.toInt() >= threshold;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable error) {
        StringBuilder line = LogLine.of(System.currentTimeMillis(), level.name(),
                arguments == null ? pattern : MessageFormatter.basicArrayFormat(pattern, arguments));
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        out.println(line);
    }
}
