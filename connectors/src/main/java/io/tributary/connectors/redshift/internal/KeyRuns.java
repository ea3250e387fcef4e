package io.tributary.connectors.redshift.internal;

/**
 * Proof that integer keys came once, without holding them: the keys seen so far lie in disjoint
 * ranges {@code [lo, hi]}, each grown by a key just above its top (or just below its bottom). A key
 * outside every range is new; one inside a range may be a repeat, and the proof ends ("not known").
 * Ids that rise (an order id, a sequence), and several rising streams interleaved (files read in
 * parallel), are a range or a few each, so any number of them is proven distinct in a few bytes;
 * keys in no order make a range each and, past {@link #MAX_RUNS}, give up.
 *
 * <p>Sound whatever the keys: every key seen lies in some range, ranges never overlap, and a key
 * only grows the range whose top (bottom) is the nearest below (above) it. {@link #GAP} only
 * decides how finely ranges follow the keys, never whether a repeat is seen.
 */
final class KeyRuns {

    /** Ranges held at most (64 KB); past this, "not known". */
    static final int MAX_RUNS = 4096;

    /** A key at most this far beyond a range grows it; farther, it starts a range of its own. */
    static final long GAP = 1 << 16;

    private long[] lo = new long[16];
    private long[] hi = new long[16];
    private int n;
    private int last = -1;
    private boolean distinct = true;

    /** Records key {@code k}. */
    void add(long k) {
        if (!distinct) {
            return;
        }
        // the range grown last, when k is just above it and below the next
        int l = last;
        if (l >= 0 && k > hi[l] && k - hi[l] <= GAP && (l + 1 == n || k < lo[l + 1])) {
            hi[l] = k;
            return;
        }
        int f = floor(k);
        if (f >= 0 && k <= hi[f]) {
            distinct = false; // inside a range: maybe a key seen before
            return;
        }
        // k lies above range f (if any) and below range f + 1 (if any)
        long above = f >= 0 ? k - hi[f] : -1;
        long below = f + 1 < n ? lo[f + 1] - k : -1;
        if (above > 0 && above <= GAP) {
            hi[f] = k;
            last = f;
        } else if (below > 0 && below <= GAP) {
            lo[f + 1] = k;
            last = f + 1;
        } else if (n == MAX_RUNS) {
            distinct = false;
        } else {
            insert(f + 1, k);
            last = f + 1;
        }
    }

    /** Ends the proof: a key that cannot be followed (a null). */
    void unknown() {
        distinct = false;
    }

    /** True while no key could have been a repeat. */
    boolean distinct() {
        return distinct;
    }

    /** Starts over. */
    void reset() {
        n = 0;
        last = -1;
        distinct = true;
    }

    /** The last range whose bottom is at most {@code k}; -1 when none. */
    private int floor(long k) {
        int a = 0;
        int b = n - 1;
        while (a <= b) {
            int m = (a + b) >>> 1;
            if (lo[m] <= k) {
                a = m + 1;
            } else {
                b = m - 1;
            }
        }
        return b;
    }

    private void insert(int at, long k) {
        if (n == lo.length) {
            lo = java.util.Arrays.copyOf(lo, n * 2);
            hi = java.util.Arrays.copyOf(hi, n * 2);
        }
        System.arraycopy(lo, at, lo, at + 1, n - at);
        System.arraycopy(hi, at, hi, at + 1, n - at);
        lo[at] = k;
        hi[at] = k;
        n++;
    }
}
