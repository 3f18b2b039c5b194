package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 2, point 4 / test 8: a bad value gets one clear line on standard error naming the
 * variable and the value (quoted) and saying 'pooling OFF'; the agent never guesses, the app runs
 * unharmed: all its requests succeed, on a connection each, as without the agent.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadSettingsIT extends UpstreamTest {

    static final int REQUESTS = 20;
    static final int THREADS = 4;


    /** How the value is given: env (HTTP_X), sysprop (-Dhttp.x) or arg (-javaagent:jar=http.x=...). */
    @ParameterizedTest(name = "{1}={2} as {0}")
    @CsvSource(delimiter = '|', value = {
        "env     | HTTP_MAX_CONNECTIONS            | abc",
        "env     | HTTP_MAX_CONNECTIONS            | -5",
        "env     | HTTP_MAX_CONNECTIONS            | 99999999",
        "env     | HTTP_POOL_ENABLED               | maybe",
        "env     | HTTP_MAX_CONNECTIONS_PER_ROUTE  | lots",
        "env     | HTTP_KEEPALIVE_EXPIRY           | forever",
        "env     | HTTP_READ_TIMEOUT               | NaN",
        "env     | HTTP_POOL_TIMEOUT               | 1e400",
        "sysprop | HTTP_MAX_CONNECTIONS            | abc",
        "arg     | HTTP_MAX_CONNECTIONS            | -5",
        "arg     | HTTP_POOL_ENABLED               | maybe",
    })
    void aBadValueIsNamedAndPoolingStaysOff(String form, String variable, String value) {
        String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        JvmRunner runner = JvmRunner.app(LoadApp.class).name("bad-" + variable + "-" + form);
        switch (form) {
            case "env":
                runner.withAgent().env(variable, value);
                break;
            case "sysprop":
                runner.withAgent().sysprop(property, value);
                break;
            case "arg":
                runner.withAgent(property + "=" + value);
                break;
            default:
                throw new IllegalArgumentException(form);
        }
        upstream.reset();
        RunResult r = runner.args("modes=default", "bases=" + upstream.http(), "paths=/ok,POST:/echo",
                "requests=" + REQUESTS, "threads=" + THREADS).run();

        // the app runs unharmed
        assertEquals(REQUESTS, r.summary().successes(), r.describe());
        // one clear line: the variable (either spelling), the value quoted, pooling OFF
        String quoted = "'" + value + "'";
        List<String> lines = r.stderrLinesWith(quoted, "pooling OFF");
        lines.removeIf(l -> !l.contains(variable) && !l.contains(property));
        assertTrue(!lines.isEmpty(), "expected a line naming " + variable + " (or " + property + "), "
                + quoted + " and 'pooling OFF'\n" + r.describe());
        assertTrue(r.stderrLinesWith(AgentLog.TAG, "pooling ON").isEmpty(), "a bad value must leave pooling off\n" + r.describe());
        // as without the agent: a connection per request
        assertEquals(REQUESTS, upstream.httpCounter().accepted(), "pooling off: one connection per request\n" + r.describe());
    }
}
