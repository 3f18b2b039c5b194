package io.httppool.demo.load;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.ParentWatch;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code load --url http://127.0.0.1:PORT [--concurrency 16] [--seconds 6] [--warmup 2] [--max-warmup N]
 * [--sessions 1000] [--stats-url URL] [--result FILE]}. With {@code --max-warmup} above {@code --warmup}
 * and a stats URL, the warm-up goes on past {@code --warmup} until the proxy's JIT has settled
 * ({@link WarmupEnd}); by default it is {@code --warmup} seconds, fixed.
 */
public final class LoadCommand {

    private LoadCommand() {
    }

    public static void run(Args args) throws Exception {
        URI target = URI.create(args.required("url"));
        int concurrency = args.integer("concurrency", 16, 1, 1024);
        int seconds = args.integer("seconds", 6, 1, 3600);
        int warmup = args.integer("warmup", 2, 0, 600);
        int maxWarmup = args.integer("max-warmup", warmup, warmup, 3600);
        int sessions = args.integer("sessions", 1000, 1, 10_000_000);
        String statsUrl = args.string("stats-url", null);
        String resultFile = args.string("result", null);
        boolean exitWithParent = args.flag("exit-with-parent");
        args.rejectUnknown();
        if (exitWithParent) {
            ParentWatch.exitWhenStdinCloses();
        }

        System.out.printf("load: %d clients against %s, warm-up %s s, measuring %d s%n", concurrency, target,
                maxWarmup > warmup ? warmup + " to " + maxWarmup : String.valueOf(warmup), seconds);
        LoadResult result = new LoadDriver(new LoadDriver.Settings(target, concurrency, Duration.ofSeconds(warmup),
                Duration.ofSeconds(maxWarmup), Duration.ofSeconds(seconds), sessions, statsUrl, null)).run();
        System.out.println("load: " + result.summary());
        if (!result.proxyDelta().isEmpty()) {
            System.out.println("load: proxy counters over the window: " + result.proxyDelta());
        }
        if (resultFile != null) {
            result.write(Path.of(resultFile));
        }
    }
}
