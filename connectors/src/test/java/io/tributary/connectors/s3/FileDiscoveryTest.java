package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.objectstore.ObjectInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Discovery over a simulated bucket: 100,000 files land over time (in key order and late, under
 * keys sorting before the greatest), listed incrementally and now and then fully. Every file is
 * found exactly once, and the checkpointed state stays small.
 */
class FileDiscoveryTest {

    /** A bucket with a clock: keys and their modification times. */
    private final TreeMap<String, Long> bucket = new TreeMap<>();

    private List<ObjectInfo> list(String startAfter) {
        List<ObjectInfo> out = new ArrayList<>();
        Map<String, Long> view = startAfter == null ? bucket : bucket.tailMap(startAfter, false);
        view.forEach((k, m) -> out.add(new ObjectInfo(k, 10, Instant.ofEpochMilli(m))));
        return out;
    }

    @Test
    void hundredThousandFilesEachFoundOnceWithBoundedState() throws Exception {
        long rescan = 60_000;
        long skew = 5_000;
        FileDiscovery d = new FileDiscovery(rescan, skew, FileDiscovery.ModifiedFiles.REREAD);
        Random random = new Random(42);
        Set<String> found = new HashSet<>();
        int duplicates = 0;
        long now = 1_000_000;
        int written = 0;
        int maxTracked = 0;
        int maxStateBytes = 0;
        int late = 0;
        while (written < 100_000) {
            // 100 files land every second: hourly partitions in key order, 2% late
            for (int i = 0; i < 100 && written < 100_000; i++, written++) {
                String key;
                if (written > 1000 && random.nextInt(50) == 0) {
                    key =
                            String.format(
                                    "dt=%05d/late-%06d.json",
                                    random.nextInt(written / 1000), written);
                    late++;
                } else {
                    key = String.format("dt=%05d/part-%06d.json", written / 1000, written);
                }
                bucket.put(key, now - random.nextInt(2000)); // mtimes lag a little
            }
            now += 1000;
            boolean full = d.fullListingDue(now);
            List<ObjectInfo> fresh = d.accept(list(full ? null : d.startAfter()), full, now);
            for (ObjectInfo o : fresh) {
                if (!found.add(o.key())) {
                    duplicates++;
                }
            }
            maxTracked = Math.max(maxTracked, d.trackedKeys());
            S3EnumeratorState state =
                    new S3EnumeratorState(
                            d.highKey, d.horizon, d.lastFullListing, d.recentView(), List.of());
            maxStateBytes =
                    Math.max(
                            maxStateBytes,
                            new S3EnumeratorStateSerializer().serialize(state).length);
        }
        // one more full listing after the last file: nothing missed, nothing twice
        now += rescan;
        for (ObjectInfo o : d.accept(list(null), true, now)) {
            if (!found.add(o.key())) {
                duplicates++;
            }
        }
        int finalBytes =
                new S3EnumeratorStateSerializer()
                        .serialize(
                                new S3EnumeratorState(
                                        d.highKey,
                                        d.horizon,
                                        d.lastFullListing,
                                        d.recentView(),
                                        List.of()))
                        .length;
        System.out.printf(
                "discovery: 100,000 files (%d late), max %d keys tracked, state max %,d bytes,"
                        + " %,d bytes after the last full listing%n",
                late, maxTracked, maxStateBytes, finalBytes);
        assertThat(duplicates).isZero();
        assertThat(found).hasSize(100_000);
        // bounded by the arrival rate x the rescan interval, not by the files ever read
        assertThat(maxTracked).isLessThan(100 * (int) ((rescan + skew) / 1000) + 200);
        assertThat(finalBytes).isLessThan(4096);
    }

    @Test
    void rewrittenFilesFollowThePolicy() {
        bucket.put("a.json", 1000L);
        FileDiscovery reread = new FileDiscovery(60_000, 0, FileDiscovery.ModifiedFiles.REREAD);
        FileDiscovery ignore = new FileDiscovery(60_000, 0, FileDiscovery.ModifiedFiles.IGNORE);
        assertThat(reread.accept(list(null), true, 500)).hasSize(1);
        assertThat(ignore.accept(list(null), true, 500)).hasSize(1);
        bucket.put("a.json", 2000L);
        assertThat(reread.accept(list(null), false, 600)).hasSize(1);
        assertThat(ignore.accept(list(null), false, 600)).isEmpty();
    }
}
