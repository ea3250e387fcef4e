package io.tributary.connectors.s3;

import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the location (incrementally, and fully now and then: {@link FileDiscovery}), cuts new files
 * into splits and hands them to readers that ask. Listing runs on the coordinator's worker thread;
 * state changes only on the coordinator thread.
 */
final class S3SplitEnumerator implements SplitEnumerator<S3FileSplit, S3EnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(S3SplitEnumerator.class);

    private final SplitEnumeratorContext<S3FileSplit> context;
    private final S3SourceConfig config;
    private final FileDiscovery discovery;
    private final Deque<S3FileSplit> pending = new ArrayDeque<>();
    private final Set<Integer> waiting = new LinkedHashSet<>();
    private ObjectStore store;
    private boolean listedOnce;
    private volatile String startAfter;
    private volatile boolean fullDue;

    /** How many of {@link #pending}'s splits each file has: pending files without a scan. */
    private final Map<String, Integer> splitsPerFile = new HashMap<>();

    // figures for the metric reporter's thread, refreshed on the coordinator thread
    private volatile int pendingFiles;
    private volatile int pendingSplits;
    private final Counter filesDiscovered;
    private final Counter listingFailures;

    /** A listing done on the worker thread. */
    private record Listing(List<ObjectInfo> files, boolean full, long startedAt) {}

    S3SplitEnumerator(
            SplitEnumeratorContext<S3FileSplit> context,
            S3SourceConfig config,
            S3EnumeratorState restored) {
        this.context = context;
        this.config = config;
        this.discovery =
                new FileDiscovery(
                        config.rescanIntervalMillis(),
                        config.clockSkewMillis(),
                        config.modifiedFiles());
        if (restored != null) {
            discovery.highKey = restored.highKey();
            discovery.horizon = restored.horizon();
            discovery.lastFullListing = restored.lastFullListing();
            discovery.recent.putAll(restored.recent());
            restored.pending().forEach(split -> addPending(split, false));
            listedOnce = restored.lastFullListing() != 0;
        }
        startAfter = discovery.startAfter();
        fullDue = discovery.fullListingDue(System.currentTimeMillis());
        // files found but not yet handed to a reader, and what the listings found and missed
        SplitEnumeratorMetricGroup metrics = context.metricGroup();
        metrics.gauge("pendingFiles", () -> pendingFiles);
        metrics.gauge("pendingSplits", () -> pendingSplits);
        this.filesDiscovered = metrics.counter("filesDiscovered", new ThreadSafeSimpleCounter());
        this.listingFailures = metrics.counter("listingFailures", new ThreadSafeSimpleCounter());
        refreshFigures();
    }

    @Override
    public void start() {
        store = config.open();
        if (config.continuous()) {
            context.callAsync(this::list, this::onListing, 0, config.scanIntervalMillis());
        } else {
            context.callAsync(this::list, this::onListing);
        }
    }

    private Listing list() throws IOException {
        long started = System.currentTimeMillis();
        boolean full = fullDue;
        List<ObjectInfo> files = new ArrayList<>();
        store.list(
                full ? null : startAfter,
                o -> {
                    if (!hidden(o.key())) {
                        files.add(o);
                    }
                });
        return new Listing(files, full, started);
    }

    /** Hidden files and folders ({@code _SUCCESS}, {@code .crc}, the quarantine): never data. */
    static boolean hidden(String key) {
        for (String part : key.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private void onListing(Listing listing, Throwable error) {
        if (error != null) {
            // S3 unreachable for a while: the next scan retries; a bounded read cannot finish
            listingFailures.inc();
            LOG.warn("Listing {} failed; retrying at the next scan", config.location(), error);
            if (!config.continuous()) {
                context.callAsync(this::list, this::onListing);
            }
            return;
        }
        boolean firstEver = discovery.lastFullListing == 0;
        List<ObjectInfo> fresh =
                discovery.accept(listing.files(), listing.full(), listing.startedAt());
        startAfter = discovery.startAfter();
        fullDue = discovery.fullListingDue(System.currentTimeMillis());
        if (firstEver && config.startFromLatest()) {
            LOG.info(
                    "Starting from the latest files: {} existing file(s) under {} are skipped",
                    fresh.size(),
                    config.location());
            fresh = List.of();
        }
        for (ObjectInfo f : fresh) {
            splits(f).forEach(split -> addPending(split, false));
        }
        filesDiscovered.inc(fresh.size());
        listedOnce = true;
        if (!fresh.isEmpty()) {
            LOG.info(
                    "{} new file(s) under {}; {} split(s) pending; tracking {} recent key(s)",
                    fresh.size(),
                    config.location(),
                    pending.size(),
                    discovery.trackedKeys());
        }
        assign();
    }

    /**
     * A file's splits: byte ranges of {@code splitSize} when uncompressed and line by line, else
     * the whole file.
     */
    List<S3FileSplit> splits(ObjectInfo f) {
        long mtime = f.lastModified() == null ? 0 : f.lastModified().toEpochMilli();
        List<S3FileSplit> out = new ArrayList<>();
        boolean whole =
                f.key().endsWith(".gz")
                        || f.size() <= config.splitSize()
                        || config.headerLines() > 0
                        || config.bulkFormat() != null
                        || config.jsonArrays()
                        // a split boundary could fall inside a quoted line break
                        || config.multiLine();
        if (whole) {
            out.add(new S3FileSplit(f.key(), f.size(), mtime, 0, f.size(), 0, 0));
            return out;
        }
        for (long start = 0; start < f.size(); start += config.splitSize()) {
            long end = Math.min(f.size(), start + config.splitSize());
            out.add(new S3FileSplit(f.key(), f.size(), mtime, start, end, start, 0));
        }
        return out;
    }

    private void assign() {
        var it = waiting.iterator();
        while (it.hasNext()) {
            int subtask = it.next();
            if (!context.registeredReaders().containsKey(subtask)) {
                it.remove();
                continue;
            }
            S3FileSplit split = pollPending();
            if (split != null) {
                context.assignSplit(split, subtask);
                it.remove();
            } else if (!config.continuous() && listedOnce) {
                context.signalNoMoreSplits(subtask);
                it.remove();
            } else {
                break;
            }
        }
        refreshFigures();
    }

    private void refreshFigures() {
        pendingFiles = splitsPerFile.size();
        pendingSplits = pending.size();
    }

    /** Every change of {@link #pending} goes through here and {@link #pollPending}. */
    private void addPending(S3FileSplit split, boolean first) {
        if (first) {
            pending.addFirst(split);
        } else {
            pending.addLast(split);
        }
        splitsPerFile.merge(split.key(), 1, Integer::sum);
    }

    private S3FileSplit pollPending() {
        S3FileSplit split = pending.poll();
        if (split != null) {
            splitsPerFile.computeIfPresent(split.key(), (k, n) -> n > 1 ? n - 1 : null);
        }
        return split;
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        waiting.add(subtaskId);
        assign();
    }

    @Override
    public void addSplitsBack(List<S3FileSplit> splits, int subtaskId) {
        splits.forEach(split -> addPending(split, true));
        assign();
    }

    @Override
    public void addReader(int subtaskId) {
        // readers ask for splits themselves
    }

    @Override
    public S3EnumeratorState snapshotState(long checkpointId) {
        return new S3EnumeratorState(
                discovery.highKey,
                discovery.horizon,
                discovery.lastFullListing,
                discovery.recentView(),
                new ArrayList<>(pending));
    }

    @Override
    public void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }
}
