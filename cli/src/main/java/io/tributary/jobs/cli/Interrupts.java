package io.tributary.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop cleanly, not as JVM shutdown: shutdown hooks run
 * all at once, so the embedded databases, Flink's blob server and the catalog store would go away
 * while a job is still taking its savepoint. While open, the first signal calls {@code stop} and
 * the command stops its job and returns; a second signal exits at once (status 130). Closing puts
 * the JVM's own handlers back.
 */
final class Interrupts implements AutoCloseable {

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private Interrupts() {}

    static Interrupts onFirst(Runnable stop) {
        Interrupts i = new Interrupts();
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal signal = new Signal(name);
                i.previous.put(
                        signal,
                        Signal.handle(
                                signal,
                                s -> {
                                    if (signals.incrementAndGet() == 1) {
                                        stop.run();
                                    } else {
                                        Runtime.getRuntime().halt(130);
                                    }
                                }));
            } catch (IllegalArgumentException unsupported) {
                // a platform without this signal: the JVM's default (shutdown) stays
            }
        }
        return i;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
