package io.tributary.connectors.s3;

import io.tributary.objectstore.ObjectInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which listed files are new, with state that stays bounded however many files were read. Two
 * listings: an incremental one after the greatest key seen ({@code StartAfter}, costing only the
 * new keys) every scan interval, and a full one every rescan interval for files that land under
 * keys sorting before it (late or out-of-order). The state is the greatest key, a horizon, and the
 * keys modified since the horizon:
 *
 * <ul>
 *   <li>the horizon is when the last full listing started, less the allowed clock skew: every file
 *       modified before it was in that listing, so it was read then or before;
 *   <li>a file under the greatest key is new when it was modified after the horizon and is not
 *       among the recent keys.
 * </ul>
 *
 * A file rewritten after it was read is read again ({@link ModifiedFiles#REREAD}) or ignored while
 * its key is among the recent ones; once it has aged out of that window a rewrite cannot be told
 * from a late file, so it is read again and logged. Not thread-safe: the enumerator's thread owns
 * it.
 */
final class FileDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(FileDiscovery.class);

    /** What to do with a file whose modification time changed after it was read. */
    enum ModifiedFiles {
        IGNORE,
        REREAD
    }

    private final long rescanMillis;
    private final long skewMillis;
    private final ModifiedFiles modified;

    String highKey;
    long horizon = Long.MIN_VALUE;
    long lastFullListing;
    final TreeMap<String, Long> recent = new TreeMap<>();

    FileDiscovery(long rescanMillis, long skewMillis, ModifiedFiles modified) {
        this.rescanMillis = rescanMillis;
        this.skewMillis = skewMillis;
        this.modified = modified;
    }

    /** Whether the next listing must be a full one (the first always is). */
    boolean fullListingDue(long now) {
        return lastFullListing == 0 || now - lastFullListing >= rescanMillis;
    }

    /** The key an incremental listing starts after. */
    String startAfter() {
        return highKey;
    }

    /**
     * The new files among {@code listed}; {@code full} when the listing covered every key, started
     * at {@code startedAt} (local clock, ms).
     */
    List<ObjectInfo> accept(List<ObjectInfo> listed, boolean full, long startedAt) {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo o : listed) {
            long mtime = o.lastModified() == null ? 0 : o.lastModified().toEpochMilli();
            Long known = recent.get(o.key());
            if (known != null) {
                if (known != mtime) {
                    recent.put(o.key(), mtime);
                    if (modified == ModifiedFiles.REREAD) {
                        LOG.info("{} was rewritten after it was read; reading it again", o.key());
                        out.add(o);
                    } else {
                        LOG.warn("{} was rewritten after it was read; ignored (policy)", o.key());
                    }
                }
                continue;
            }
            boolean underHigh = highKey != null && o.key().compareTo(highKey) <= 0;
            if (underHigh && mtime < horizon) {
                continue; // in an earlier full listing: read then
            }
            if (underHigh) {
                LOG.info("{} is a late file (or one rewritten long after it was read)", o.key());
            }
            out.add(o);
            recent.put(o.key(), mtime);
            if (highKey == null || o.key().compareTo(highKey) > 0) {
                highKey = o.key();
            }
        }
        if (full) {
            lastFullListing = Math.max(1, startedAt);
            horizon = Math.max(horizon, startedAt - skewMillis);
            recent.values().removeIf(m -> m < horizon);
        }
        return out;
    }

    /** Entries kept between listings: what the state costs. */
    int trackedKeys() {
        return recent.size();
    }

    Map<String, Long> recentView() {
        return recent;
    }
}
