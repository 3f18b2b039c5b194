package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CurrentRequestTest {

    private final Object facade = new Object();
    private final Object shared = new Object();
    private final Object other = new Object();

    @AfterEach
    void clear() {
        while (CurrentRequest.current() != null) {
            CurrentRequest.ended();
        }
    }

    @Test
    void aFailedStartKeepsTheEnclosingRequestForItsOwnEnd() {
        CurrentRequest.clientStarting(facade, false);
        CurrentRequest.startFailed();
        assertSame(facade, CurrentRequest.currentClient());
        CurrentRequest.ended();
        assertSame(facade, CurrentRequest.currentClient(), "the failed start's end popped its stand-in, not the enclosing request");
    }

    @Test
    void theSharedClientStartingADelegatedRequestRecordsTheDelegatingClient() {
        CurrentRequest.clientDelegating(facade, shared, false);
        CurrentRequest.clientStarting(shared, false);
        assertSame(facade, CurrentRequest.currentClient(), "the lease belongs to the client the application holds");
        CurrentRequest.hopStarting(true);
        assertSame(facade, CurrentRequest.currentClient(), "and so does each hop of it");
    }

    @Test
    void anotherClientStartingInsideADelegatedRequestIsItself() {
        CurrentRequest.clientDelegating(facade, shared, false);
        CurrentRequest.clientStarting(shared, false);
        CurrentRequest.clientStarting(other, false); // a nested request from an interceptor, on a client of its own
        assertSame(other, CurrentRequest.currentClient());
        CurrentRequest.clientStarting(shared, false); // even the shared client, when not started by the facade directly
        assertSame(shared, CurrentRequest.currentClient());
    }

    @Test
    void endsRestoreWhatWasBefore() {
        CurrentRequest.clientStarting(other, false);
        CurrentRequest.clientDelegating(facade, shared, false);
        CurrentRequest.clientStarting(shared, false);
        CurrentRequest.ended();
        assertSame(facade, CurrentRequest.currentClient());
        CurrentRequest.ended();
        assertSame(other, CurrentRequest.currentClient());
        CurrentRequest.ended();
        assertNull(CurrentRequest.current());
    }
}
