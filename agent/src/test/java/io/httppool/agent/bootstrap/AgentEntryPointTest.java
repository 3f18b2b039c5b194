package io.httppool.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which JVMs the entry point lets the agent start on, read from {@code java.specification.version}. */
class AgentEntryPointTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.6", "1.8", "9", "11", "16"})
    void olderJavasGetOneLineAndNoAgent(String version) {
        assertEquals("needs Java 17 or later, this JVM is Java " + version
                + ": pooling OFF, the application runs without the agent", AgentEntryPoint.tooOld(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"17", "21", "25", "26.1", "not-a-version", ""})
    void java17AndLaterOrAnUnreadableVersionStartTheAgent(String version) {
        assertNull(AgentEntryPoint.tooOld(version));
    }
}
