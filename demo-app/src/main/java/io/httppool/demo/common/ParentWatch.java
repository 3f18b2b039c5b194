package io.httppool.demo.common;

import java.io.IOException;

/**
 * Lets a child JVM die with the orchestrator that started it.
 *
 * <p>The orchestrator keeps the child's stdin open as a pipe and never writes to it. When the
 * orchestrator exits for any reason (finished, Ctrl-C, killed), the pipe closes, the read below
 * returns end-of-file and the child exits: no stray servers are left holding ports and CPU on a
 * machine shared with other builds.
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void exitWhenStdinCloses() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // ignore anything written; only end-of-file matters
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end-of-file here
            }
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
