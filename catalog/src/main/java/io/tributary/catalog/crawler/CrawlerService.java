package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.store.CrawlerStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the catalog's scheduled crawlers (continuous or every interval) in this process, each under
 * a lease in the catalog store so that two processes never crawl for the same crawler: a crawler
 * whose lease another live process holds is left to it, and one whose holder died is taken over
 * once the lease expires. A crawler that is stopped, changed or deleted in the catalog is noticed
 * within a second: its current pass ends and it stops (a changed one starts again with its new
 * definition). The first pass of each start, and every pass that changed the catalog or failed, is
 * recorded in the crawler's run history (a failure repeated pass after pass, once).
 */
public final class CrawlerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrawlerService.class);

    /** How long a lease lasts without renewal; holders renew it every {@link #RENEW}. */
    static final Duration LEASE = Duration.ofSeconds(60);

    static final Duration RENEW = Duration.ofSeconds(10);

    /** Called after each pass (to print it, or to follow it with more work). */
    @FunctionalInterface
    public interface Events {
        void passed(CrawlerDefinition crawler, CrawlerRun run, boolean recorded);
    }

    private final CatalogService catalog;
    private final CrawlerSession.Targets targets;
    private final Events events;
    private final String holder;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean closed;

    private CrawlerService(
            CatalogService catalog, CrawlerSession.Targets targets, Events events, String role) {
        this.catalog = catalog;
        this.targets = targets;
        this.events = events == null ? (c, r, rec) -> {} : events;
        this.holder = holder(role);
        this.loop = new Thread(this::schedule, "tributary-crawlers");
        this.loop.setDaemon(true);
    }

    /** Starts running the scheduled crawlers; {@code role} names this process in leases. */
    public static CrawlerService start(
            CatalogService catalog, CrawlerSession.Targets targets, Events events, String role) {
        CrawlerService s = new CrawlerService(catalog, targets, events, role);
        s.loop.start();
        return s;
    }

    /** "services 1234@host": who holds a lease, as {@code crawlers show} prints it. */
    public static String holder(String role) {
        return role + " " + ManagementFactory.getRuntimeMXBean().getName();
    }

    public String holder() {
        return holder;
    }

    /** The crawlers running here now. */
    public java.util.Set<String> running() {
        return java.util.Set.copyOf(workers.keySet());
    }

    private CrawlerStore store() {
        return catalog.store();
    }

    private void schedule() {
        long lastRenew = System.nanoTime();
        while (!closed) {
            try {
                Map<String, CrawlerDefinition> defined = new java.util.HashMap<>();
                for (CrawlerDefinition d : store().crawlers()) {
                    defined.put(d.name(), d);
                }
                // the ones gone, stopped or changed end; their lease is given up
                for (Worker w : workers.values()) {
                    CrawlerDefinition now = defined.get(w.definition.name());
                    if (now == null
                            || now.stopped()
                            || !now.scheduled()
                            || !now.updated().equals(w.definition.updated())) {
                        w.stop();
                    }
                }
                workers.values().removeIf(w -> !w.thread.isAlive());
                boolean renew = System.nanoTime() - lastRenew > RENEW.toNanos();
                if (renew) {
                    lastRenew = System.nanoTime();
                    for (Worker w : workers.values()) {
                        if (w.stopping) {
                            continue; // it gives its lease up as it ends: not renewed behind it
                        }
                        if (!store().leaseCrawler(w.definition.name(), holder, LEASE, null)) {
                            LOG.warn(
                                    "Crawler {}: its lease went to another process; stopping here",
                                    w.definition.name());
                            w.lost = true;
                            w.stop();
                        }
                    }
                }
                for (CrawlerDefinition d : defined.values()) {
                    if (d.scheduled()
                            && !d.stopped()
                            && !workers.containsKey(d.name())
                            && store().leaseCrawler(d.name(), holder, LEASE, null)) {
                        Worker w = new Worker(d);
                        workers.put(d.name(), w);
                        w.thread.start();
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Scheduling the crawlers failed; retrying", e);
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (!closed && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, d.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One scheduled crawler's passes, in a thread of its own. */
    private final class Worker {
        final CrawlerDefinition definition;
        final Thread thread;
        volatile boolean stopping;
        volatile boolean lost;

        Worker(CrawlerDefinition d) {
            this.definition = d;
            this.thread = new Thread(this::run, "tributary-crawler-" + d.name());
            this.thread.setDaemon(true);
        }

        void stop() {
            stopping = true;
        }

        private boolean done() {
            return stopping || closed;
        }

        private void run() {
            LOG.info(
                    "Crawler {} runs here ({}): {} -> {}",
                    definition.name(),
                    definition.scheduleText(),
                    definition.targets(),
                    definition.database());
            CrawlerSession session = null;
            boolean first = true;
            java.util.List<String> lastErrors = null;
            try {
                while (!done()) {
                    CrawlerRun run;
                    try {
                        if (session == null) {
                            session = new CrawlerSession(catalog, definition, targets, null);
                        }
                        run = session.pass(first ? "schedule (start)" : "schedule", first);
                    } catch (RuntimeException e) {
                        // a target that cannot even be opened: a failed run, retried
                        Instant now = Instant.now();
                        run =
                                new CrawlerRun(
                                        definition.name(),
                                        now.toString().replace(":", "") + "-open",
                                        now,
                                        now,
                                        CrawlerRun.FAILED,
                                        "schedule",
                                        0,
                                        0,
                                        null,
                                        null,
                                        null,
                                        null,
                                        0,
                                        0,
                                        0,
                                        0,
                                        java.util.List.of(CrawlerSession.describe(e)));
                    }
                    // a failure repeated pass after pass is recorded once, not at every pass
                    // and the first pass that works again is recorded, changes or not
                    boolean succeeded = CrawlerRun.SUCCEEDED.equals(run.state());
                    boolean repeated = !succeeded && run.errors().equals(lastErrors);
                    boolean recovered = succeeded && lastErrors != null;
                    lastErrors = succeeded ? null : run.errors();
                    boolean record =
                            first || recovered || (CrawlerSession.worthRecording(run) && !repeated);
                    if (record) {
                        store().putCrawlerRun(run);
                    }
                    if (!lost) {
                        store().leaseCrawler(definition.name(), holder, LEASE, run.ended());
                    }
                    events.passed(definition, run, record);
                    if (!CrawlerRun.SUCCEEDED.equals(run.state())) {
                        LOG.warn("Crawler {} pass failed: {}", definition.name(), run.errors());
                    }
                    first = false;
                    sleep(definition.schedule());
                }
            } catch (RuntimeException e) {
                LOG.error("Crawler {} stopped on an error", definition.name(), e);
            } finally {
                if (session != null) {
                    session.close();
                }
                if (!lost) {
                    try {
                        store().releaseCrawler(definition.name(), holder);
                    } catch (RuntimeException e) {
                        LOG.warn("Crawler {}: giving its lease up failed", definition.name(), e);
                    }
                }
                LOG.info("Crawler {} stopped here", definition.name());
            }
        }

        private void sleep(Duration d) {
            long until = System.nanoTime() + d.toNanos();
            while (!done() && System.nanoTime() < until) {
                try {
                    Thread.sleep(Math.min(100, Math.max(1, d.toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                    return;
                }
            }
        }
    }

    /**
     * A crawler's lease held outside a service (a pass run by hand): renewed every {@link #RENEW}
     * from a thread of its own while held, so a long pass keeps it and a killed process gives it up
     * within {@link #LEASE}; closing gives it up.
     */
    public static final class HeldLease implements AutoCloseable {
        private final CrawlerStore store;
        private final String name;
        private final String holder;
        private final Thread renewer;
        private volatile boolean closed;
        private volatile Instant lastPass;

        private HeldLease(CrawlerStore store, String name, String holder) {
            this.store = store;
            this.name = name;
            this.holder = holder;
            this.renewer =
                    new Thread(
                            () -> {
                                while (!closed) {
                                    try {
                                        Thread.sleep(RENEW.toMillis());
                                        if (!closed) {
                                            store.leaseCrawler(name, holder, LEASE, lastPass);
                                        }
                                    } catch (InterruptedException e) {
                                        return;
                                    } catch (RuntimeException e) {
                                        LOG.warn("Crawler {}: renewing its lease failed", name, e);
                                    }
                                }
                            },
                            "tributary-crawler-lease-" + name);
            this.renewer.setDaemon(true);
        }

        /** Records the end of a pass with the next renewal (and now). */
        public void passed(Instant at) {
            lastPass = at;
            store.leaseCrawler(name, holder, LEASE, at);
        }

        @Override
        public void close() {
            closed = true;
            renewer.interrupt();
            store.releaseCrawler(name, holder);
        }
    }

    /** Takes the crawler's lease for {@code holder} and keeps it; empty when another holds it. */
    public static Optional<HeldLease> hold(CrawlerStore store, String name, String holder) {
        if (!store.leaseCrawler(name, holder, LEASE, null)) {
            return Optional.empty();
        }
        HeldLease lease = new HeldLease(store, name, holder);
        lease.renewer.start();
        return Optional.of(lease);
    }

    /** Whether another live process holds the crawler's lease now. */
    public static Optional<CrawlerStore.Lease> heldElsewhere(
            CrawlerStore store, String name, String holder) {
        return store.crawlerLease(name)
                .filter(
                        l ->
                                l.holder() != null
                                        && !l.holder().equals(holder)
                                        && l.until() != null
                                        && l.until().isAfter(Instant.now()));
    }

    /** Stops every crawler here (each ends its current pass) and gives their leases up. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        for (Worker w : workers.values()) {
            w.stop();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Worker w : workers.values()) {
            try {
                w.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
