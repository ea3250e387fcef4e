package io.tributary.jobs.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts (longest common subsequence), printed as {@code -}/{@code +} lines with
 * {@code context} unchanged lines around each change and {@code @@ line} headers, as {@code diff
 * -u} prints it. Pipeline files are small; the quadratic table is a few thousand cells.
 */
final class LineDiff {

    private LineDiff() {}

    /** One line of the result: ' ' kept, '-' only in the old text, '+' only in the new. */
    record Line(char kind, String text, int oldLine, int newLine) {}

    static List<Line> lines(String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] =
                        a[i].equals(b[j])
                                ? lcs[i + 1][j + 1] + 1
                                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add(new Line(' ', a[i], i + 1, j + 1));
                i++;
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add(new Line('+', b[j], i, j + 1));
                j++;
            } else {
                out.add(new Line('-', a[i], i + 1, j));
                i++;
            }
        }
        return out;
    }

    /** The changes with {@code context} lines around them; empty when the texts are equal. */
    static List<String> unified(String before, String after, int context) {
        List<Line> all = lines(before, after);
        boolean[] shown = new boolean[all.size()];
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).kind() != ' ') {
                for (int c = Math.max(0, k - context);
                        c <= Math.min(all.size() - 1, k + context);
                        c++) {
                    shown[c] = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        boolean gap = true;
        for (int k = 0; k < all.size(); k++) {
            if (!shown[k]) {
                gap = true;
                continue;
            }
            Line l = all.get(k);
            if (gap) {
                out.add(
                        "@@ line "
                                + Math.max(1, l.kind() == '+' ? l.newLine() : l.oldLine())
                                + " @@");
                gap = false;
            }
            out.add(l.kind() + " " + l.text());
        }
        return out;
    }
}
