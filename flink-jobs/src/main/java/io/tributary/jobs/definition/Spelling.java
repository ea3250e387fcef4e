package io.tributary.jobs.definition;

import java.util.Collection;

/** "Did you mean": the nearest known word to a misspelt key or command (2 edits at most). */
public final class Spelling {

    private Spelling() {}

    /** The word of {@code known} nearest to {@code word}, or null when none is within 2 edits. */
    public static String nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String a : known) {
            int d = distance(word, a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }
}
