package io.tributary.jobs.quality;

import io.tributary.jobs.quality.WindowRules.Measure;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.table.data.DecimalDataUtils;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.RowType;

/**
 * The measures of one ruleset over the window open now: per rule, the records in its scope and what
 * it sums; {@link #close} gives each rule's value and verdict and opens the next window. A
 * uniqueness rule counts its keys exactly: the memory it takes is the distinct keys of one window.
 */
final class WindowMeter {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** One rule's verdict on one window. */
    record Verdict(String rule, long records, Double value, boolean passed) {}

    private final List<DqRule> rules;
    private final Measure[] measures;
    private final int failedIndex;
    private final int[] scope;
    private final int[] value;
    private final long[] inScope;
    private final long[] failed;
    private final long[] hits;
    private final double[] sum;
    private final double[] squares;
    private final KeyCounts[] keys;
    private final boolean[] active;

    /**
     * Per rule measured on a column as it is (no {@code where}, no hidden column, {@link
     * WindowRules#readsDirectly}): how its value is read from the row; null otherwise.
     */
    private final Direct[] direct;

    private long records;

    WindowMeter(List<DqRule> rules, RowType type) {
        this(rules, type, r -> true);
    }

    /** A meter of the rules {@code active} selects (the others are neither measured nor judged). */
    WindowMeter(List<DqRule> rules, RowType type, java.util.function.Predicate<DqRule> active) {
        this.rules = rules;
        int n = rules.size();
        this.active = new boolean[n];
        for (int i = 0; i < n; i++) {
            this.active[i] = active.test(rules.get(i));
        }
        measures = new Measure[n];
        scope = new int[n];
        value = new int[n];
        inScope = new long[n];
        failed = new long[n];
        hits = new long[n];
        sum = new double[n];
        squares = new double[n];
        keys = new KeyCounts[n];
        direct = new Direct[n];
        List<String> names = type.getFieldNames();
        failedIndex = names.indexOf(QualityCheck.FAILED_RULES);
        for (int i = 0; i < n; i++) {
            measures[i] = WindowRules.measure(rules.get(i));
            scope[i] = names.indexOf(WindowRules.scopeColumn(i));
            value[i] = names.indexOf(WindowRules.valueColumn(i));
            keys[i] = measures[i] == Measure.UNIQUENESS ? new KeyCounts() : null;
            boolean valued =
                    switch (measures[i]) {
                        case COMPLETENESS, MEAN, SUM, STANDARD_DEVIATION, UNIQUENESS, THRESHOLD ->
                                true;
                        default -> false;
                    };
            if (valued && value[i] < 0 && this.active[i]) {
                // the translator left the column as it is: read it here, as its SQL would
                String column = rules.get(i).column();
                int at = names.indexOf(column);
                if (at < 0 || measures[i] == Measure.THRESHOLD) {
                    throw new IllegalStateException(
                            "'"
                                    + rules.get(i).text()
                                    + "' is measured on neither "
                                    + WindowRules.valueColumn(i)
                                    + " nor "
                                    + column
                                    + ": "
                                    + names);
                }
                direct[i] = new Direct(at, type.getTypeAt(at));
            }
        }
    }

    /**
     * A rule's column read as the SQL of {@link WindowRules#columns} would have computed it: {@code
     * IS NOT NULL}, {@code CAST(c AS DOUBLE)}, or the key of a uniqueness rule (an integer column's
     * number, which {@link #snapshot} writes as its {@code CAST(c AS STRING)}; a string's text).
     */
    private record Direct(int at, LogicalType type) {

        double number(RowData row) {
            return switch (type.getTypeRoot()) {
                case TINYINT -> row.getByte(at);
                case SMALLINT -> row.getShort(at);
                case INTEGER -> row.getInt(at);
                case BIGINT -> row.getLong(at);
                case FLOAT -> row.getFloat(at);
                case DOUBLE -> row.getDouble(at);
                case DECIMAL -> {
                    DecimalType d = (DecimalType) type;
                    yield DecimalDataUtils.doubleValue(
                            row.getDecimal(at, d.getPrecision(), d.getScale()));
                }
                default ->
                        throw new IllegalStateException("not a number: " + type.asSummaryString());
            };
        }

        boolean integral() {
            return type.is(LogicalTypeFamily.INTEGER_NUMERIC);
        }

        /** Counts the row's key in {@code keys}: an integer as a number, a string as its text. */
        void count(RowData row, KeyCounts keys) {
            switch (type.getTypeRoot()) {
                case TINYINT -> keys.add(row.getByte(at));
                case SMALLINT -> keys.add(row.getShort(at));
                case INTEGER -> keys.add(row.getInt(at));
                // not through a double: ids past 2^53 stay apart
                case BIGINT -> keys.add(row.getLong(at));
                default -> {
                    if (!type.is(LogicalTypeFamily.CHARACTER_STRING)) {
                        throw new IllegalStateException(
                                "not a key read as it is: " + type.asSummaryString());
                    }
                    keys.add(row.getString(at).toString(), 1);
                }
            }
        }
    }

    long records() {
        return records;
    }

    void add(RowData row) {
        records++;
        Set<String> failedRules = null;
        if (failedIndex >= 0 && !row.isNullAt(failedIndex)) {
            failedRules = new HashSet<>(QualityCheck.parse(row.getString(failedIndex).toString()));
        }
        for (int i = 0; i < rules.size(); i++) {
            if (!active[i]) {
                continue;
            }
            if (measures[i] == Measure.ROW) {
                inScope[i]++;
                if (failedRules != null && failedRules.contains(rules.get(i).text())) {
                    failed[i]++;
                }
                continue;
            }
            if (scope[i] >= 0 && !row.getBoolean(scope[i])) {
                continue;
            }
            inScope[i]++;
            Direct d = direct[i];
            if (d != null) {
                if (row.isNullAt(d.at())) {
                    continue;
                }
                switch (measures[i]) {
                    case COMPLETENESS -> hits[i]++;
                    case MEAN, SUM, STANDARD_DEVIATION -> {
                        double v = d.number(row);
                        hits[i]++;
                        sum[i] += v;
                        squares[i] += v * v;
                    }
                    case UNIQUENESS -> d.count(row, keys[i]);
                    default -> {}
                }
                continue;
            }
            switch (measures[i]) {
                case COMPLETENESS, THRESHOLD -> {
                    if (!row.isNullAt(value[i]) && row.getBoolean(value[i])) {
                        hits[i]++;
                    }
                }
                case MEAN, SUM, STANDARD_DEVIATION -> {
                    if (!row.isNullAt(value[i])) {
                        double v = row.getDouble(value[i]);
                        hits[i]++;
                        sum[i] += v;
                        squares[i] += v * v;
                    }
                }
                case UNIQUENESS -> {
                    if (!row.isNullAt(value[i])) {
                        keys[i].add(row.getString(value[i]).toString(), 1);
                    }
                }
                default -> {}
            }
        }
    }

    /** Each rule's verdict on the window so far; the next window starts empty. */
    List<Verdict> close() {
        List<Verdict> out = new java.util.ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (!active[i]) {
                continue;
            }
            DqRule r = rules.get(i);
            long n = inScope[i];
            Double v =
                    switch (measures[i]) {
                        case ROW -> n == 0 ? null : (double) (n - failed[i]) / n;
                        case ROW_COUNT -> (double) n;
                        case COMPLETENESS, THRESHOLD -> n == 0 ? null : (double) hits[i] / n;
                        case SUM -> sum[i];
                        case MEAN -> hits[i] == 0 ? null : sum[i] / hits[i];
                        case STANDARD_DEVIATION -> {
                            if (hits[i] == 0) {
                                yield null;
                            }
                            double mean = sum[i] / hits[i];
                            yield Math.sqrt(Math.max(0, squares[i] / hits[i] - mean * mean));
                        }
                        case UNIQUENESS -> {
                            if (n == 0) {
                                yield null;
                            }
                            yield (double) keys[i].once() / n;
                        }
                    };
            out.add(
                    new Verdict(
                            r.text(), n, v, WindowRules.passes(r, measures[i], v, n, failed[i])));
            reset(i);
        }
        records = 0;
        return out;
    }

    private void reset(int i) {
        inScope[i] = 0;
        failed[i] = 0;
        hits[i] = 0;
        sum[i] = 0;
        squares[i] = 0;
        if (keys[i] != null) {
            keys[i].clear();
        }
    }

    /**
     * What the window open now has measured, as JSON: for a window longer than a checkpoint's (kept
     * in the job's state), or a subtask's share of a window (merged by the one writer).
     */
    String snapshot() {
        var n = JSON.createObjectNode();
        n.put("records", records);
        var a = n.putArray("rules");
        for (int i = 0; i < rules.size(); i++) {
            if (!active[i]) {
                continue;
            }
            var r = a.addObject();
            r.put("rule", rules.get(i).text());
            r.put("inScope", inScope[i]);
            r.put("failed", failed[i]);
            r.put("hits", hits[i]);
            r.put("sum", sum[i]);
            r.put("squares", squares[i]);
            if (keys[i] != null) {
                var k = r.putObject("keys");
                keys[i].forEach((key, count) -> k.put(key.toString(), count));
            }
        }
        return n.toString();
    }

    /**
     * What the window open now has measured, a subtask's share of the window for the one writer
     * ({@link #mergeShare}), in a compact binary form (JSON cost the rules' task and the writer
     * more than the measures: a uniqueness rule's keys, tens of thousands a second); the next
     * window starts empty.
     */
    byte[] drainShare() {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            var out = new java.io.DataOutputStream(bytes);
            out.writeLong(records);
            int n = 0;
            for (boolean a : active) {
                n += a ? 1 : 0;
            }
            out.writeInt(n);
            for (int i = 0; i < rules.size(); i++) {
                if (!active[i]) {
                    continue;
                }
                out.writeUTF(rules.get(i).text());
                out.writeLong(inScope[i]);
                out.writeLong(failed[i]);
                out.writeLong(hits[i]);
                out.writeDouble(sum[i]);
                out.writeDouble(squares[i]);
                out.writeBoolean(keys[i] != null);
                if (keys[i] != null) {
                    keys[i].write(out);
                }
                reset(i);
            }
            records = 0;
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Adds a subtask's share ({@link #drainShare}) to the window open now, as {@link #merge}. */
    void mergeShare(byte[] share) {
        try {
            var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(share));
            records += in.readLong();
            boolean[] taken = new boolean[rules.size()];
            int n = in.readInt();
            for (int r = 0; r < n; r++) {
                int i = slot(in.readUTF(), taken);
                long scope = in.readLong();
                long fail = in.readLong();
                long hit = in.readLong();
                double s = in.readDouble();
                double sq = in.readDouble();
                boolean keyed = in.readBoolean();
                if (i >= 0) {
                    inScope[i] += scope;
                    failed[i] += fail;
                    hits[i] += hit;
                    sum[i] += s;
                    squares[i] += sq;
                }
                if (keyed) {
                    KeyCounts.read(in, i >= 0 ? keys[i] : null);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The active rule of this text not yet taken from the share being merged (a rule written twice
     * in a ruleset takes the first entry of its text, its second the second: each entry is added
     * once), or -1.
     */
    private int slot(String text, boolean[] taken) {
        for (int i = 0; i < rules.size(); i++) {
            if (active[i] && !taken[i] && rules.get(i).text().equals(text)) {
                taken[i] = true;
                return i;
            }
        }
        return -1;
    }

    /** A key as this meter counts it: an integer column's as a number (see Direct#count). */
    private Object keyOf(int i, Object key) {
        boolean numbers = direct[i] != null && direct[i].integral();
        if (numbers) {
            return key instanceof Long ? key : Long.valueOf(key.toString());
        }
        return key instanceof String ? key : key.toString();
    }

    /**
     * Adds what another meter measured ({@link #snapshot}) to the window open now: its records, and
     * its measures of the rules this meter has (matched by their text), uniqueness keys counted
     * together. Into a new meter, it takes a snapshot back.
     */
    void merge(String snapshot) throws java.io.IOException {
        var n = JSON.readTree(snapshot);
        records += n.path("records").asLong();
        boolean[] taken = new boolean[rules.size()];
        for (var r : n.path("rules")) {
            int i = slot(r.path("rule").asText(), taken);
            if (i < 0) {
                continue;
            }
            inScope[i] += r.path("inScope").asLong();
            failed[i] += r.path("failed").asLong();
            hits[i] += r.path("hits").asLong();
            sum[i] += r.path("sum").asDouble();
            squares[i] += r.path("squares").asDouble();
            if (keys[i] != null) {
                KeyCounts k = keys[i];
                int at = i;
                r.path("keys")
                        .fields()
                        .forEachRemaining(e -> k.add(keyOf(at, e.getKey()), e.getValue().asInt()));
            }
        }
    }
}
