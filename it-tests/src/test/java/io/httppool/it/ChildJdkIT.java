package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.httppool.it.apps.PrintJdk;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;

/**
 * The child JVMs of a pass run on the JDK the pass is for: the JDK 25 pass (it-tests/pom.xml, profile jdk25-pass)
 * sets {@code it.child.jdk.feature=25}; the default pass expects the JDK running the tests. Without this check, a
 * pass that quietly fell back to the default JDK would look green.
 */
class ChildJdkIT {

    @Test
    void childJvmsRunOnTheJdkOfThePass() {
        String expected = System.getProperty("it.child.jdk.feature", String.valueOf(Runtime.version().feature()));
        RunResult run = JvmRunner.app(PrintJdk.class).withAgent().run();
        assertEquals(0, run.exitCode, run.describe());
        assertTrue(run.stdout.startsWith("JDK " + expected + " "), "expected a child on JDK " + expected + "\n" + run.describe());
        System.out.println("child JVMs of this pass: " + run.stdout.trim());
    }
}
