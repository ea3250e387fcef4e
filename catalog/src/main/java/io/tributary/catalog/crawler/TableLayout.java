package io.tributary.catalog.crawler;

import io.tributary.catalog.model.DataType;
import io.tributary.objectstore.ObjectInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which folders are tables and which are partitions, as Glue does: under a folder whose
 * sub-folders (and files) hold compatible schemas, the sub-folders are partitions of one table;
 * where they differ, each sub-folder is a table of its own. Folders named {@code key=value} are
 * always partitions (the key names the column); other partition levels are {@code partition_0},
 * {@code partition_1}, ...
 */
final class TableLayout {

    /** Two schemas are one table when this share of the smaller one's columns is in the other. */
    static final double SIMILARITY = 0.7;

    /** A sampled file: where it is and what its sample said. */
    record Sampled(ObjectInfo info, FileSchema schema) {}

    /** A table found: its name, its folder (a key prefix ending in / or empty), its files. */
    record Candidate(
            String name,
            String prefix,
            int depth,
            List<String> keys,
            boolean hive,
            List<Sampled> files) {

        Candidate renamed(String newName) {
            return new Candidate(newName, prefix, depth, keys, hive, files);
        }

        /** The partition values of a file of this table (one per key). */
        List<String> values(Sampled f) {
            String[] parts = f.info().key().substring(prefix.length()).split("/");
            List<String> out = new ArrayList<>(depth);
            for (int i = 0; i < depth; i++) {
                String part = parts[i];
                int eq = part.indexOf('=');
                out.add(eq > 0 ? HivePaths.unescape(part.substring(eq + 1)) : part);
            }
            return out;
        }

        /** The folder of a partition, relative to the crawl location. */
        String partitionPrefix(Sampled f) {
            String[] parts = f.info().key().substring(prefix.length()).split("/");
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < depth; i++) {
                b.append(parts[i]).append('/');
            }
            return b.toString();
        }
    }

    private static final class Folder {
        final String name;
        final String prefix;
        final Map<String, Folder> children = new TreeMap<>();
        final List<Sampled> files = new ArrayList<>();

        Folder(String name, String prefix) {
            this.name = name;
            this.prefix = prefix;
        }

        void all(List<Sampled> out) {
            out.addAll(files);
            children.values().forEach(c -> c.all(out));
        }
    }

    /** The running union of compatible schemas; {@code null} layout once incompatible. */
    private static final class Summary {
        FileSchema layout;
        final Set<String> names = new HashSet<>();
        boolean incompatible;

        boolean accepts(Summary other) {
            if (incompatible || other.incompatible) {
                return false;
            }
            if (layout == null || other.layout == null) {
                return true;
            }
            return layout.sameLayout(other.layout) && similar(names, other.names);
        }

        void add(Summary other) {
            if (!accepts(other)) {
                incompatible = true;
                return;
            }
            if (layout == null) {
                layout = other.layout;
            }
            names.addAll(other.names);
        }

        static Summary of(FileSchema s) {
            Summary m = new Summary();
            m.layout = s;
            for (DataType.Field f : s.row().fields()) {
                m.names.add(f.name());
            }
            return m;
        }
    }

    static boolean similar(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty();
        }
        long common = a.stream().filter(b::contains).count();
        return common >= SIMILARITY * Math.min(a.size(), b.size());
    }

    private TableLayout() {}

    /**
     * The tables among {@code files} (classified ones only), named after their folders; {@code
     * rootName} names a table found at the crawl location itself.
     */
    static List<Candidate> resolve(List<Sampled> files, String rootName) {
        Folder root = new Folder(rootName, "");
        for (Sampled f : files) {
            String[] parts = f.info().key().split("/");
            Folder at = root;
            for (int i = 0; i < parts.length - 1; i++) {
                String part = parts[i];
                Folder parent = at;
                at = at.children.computeIfAbsent(part, n -> new Folder(n, parent.prefix + n + "/"));
            }
            at.files.add(f);
        }
        // a crawl location holding one named folder (no files beside it) means that folder
        while (root.files.isEmpty()
                && root.children.size() == 1
                && isDatasetName(root.children.keySet().iterator().next())) {
            root = root.children.values().iterator().next();
        }
        List<Candidate> out = new ArrayList<>();
        resolve(root, out);
        return unique(out);
    }

    private static boolean isDatasetName(String folder) {
        return folder.indexOf('=') < 0 && folder.chars().anyMatch(Character::isLetter);
    }

    private static Summary summarize(Folder f, Map<Folder, Summary> memo) {
        Summary cached = memo.get(f);
        if (cached != null) {
            return cached;
        }
        Summary s = new Summary();
        for (Sampled file : f.files) {
            s.add(Summary.of(file.schema()));
        }
        for (Folder c : f.children.values()) {
            s.add(summarize(c, memo));
        }
        memo.put(f, s);
        return s;
    }

    private static void resolve(Folder folder, List<Candidate> out) {
        Map<Folder, Summary> memo = new HashMap<>();
        if (hiveLevel(folder) || !summarize(folder, memo).incompatible) {
            out.add(table(folder));
            return;
        }
        if (!folder.files.isEmpty()) {
            // files beside incompatible folders: one table of this folder's own files (readers
            // read folders, so one folder cannot hold two tables; files of another format are
            // left out of it and reported)
            out.add(new Candidate(folder.name, folder.prefix, 0, List.of(), false, folder.files));
        }
        for (Folder child : folder.children.values()) {
            resolve(child, out);
        }
    }

    /** Every sub-folder is {@code k=v} with the same {@code k}: Hive partitions by declaration. */
    private static boolean hiveLevel(Folder f) {
        if (f.children.isEmpty()) {
            return false;
        }
        String key = null;
        for (String name : f.children.keySet()) {
            int eq = name.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String k = name.substring(0, eq);
            if (key != null && !key.equals(k)) {
                return false;
            }
            key = k;
        }
        return true;
    }

    private static Candidate table(Folder folder) {
        List<Sampled> files = new ArrayList<>();
        folder.all(files);
        int base = folder.prefix.isEmpty() ? 0 : folder.prefix.split("/").length;
        int depth = Integer.MAX_VALUE;
        for (Sampled f : files) {
            depth = Math.min(depth, f.info().key().split("/").length - 1 - base);
        }
        depth = Math.max(0, depth == Integer.MAX_VALUE ? 0 : depth);
        List<String> keys = new ArrayList<>();
        boolean hive = depth > 0;
        for (int level = 0; level < depth; level++) {
            String key = null;
            boolean named = true;
            for (Sampled f : files) {
                String part = f.info().key().split("/")[base + level];
                int eq = part.indexOf('=');
                String k = eq > 0 ? part.substring(0, eq) : null;
                if (k == null || (key != null && !key.equals(k))) {
                    named = false;
                    break;
                }
                key = k;
            }
            keys.add(named ? HivePaths.unescape(key) : "partition_" + level);
            hive &= named;
        }
        return new Candidate(folder.name, folder.prefix, depth, keys, hive, files);
    }

    /** Two tables of one name (same folder name in two places) get the folder's path hash. */
    private static List<Candidate> unique(List<Candidate> in) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        in.forEach(c -> counts.merge(c.name(), 1, Integer::sum));
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : in) {
            if (counts.get(c.name()) > 1) {
                String hash = Integer.toHexString(c.prefix().hashCode() & 0xfffffff);
                out.add(c.renamed(c.name() + "_" + hash));
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
