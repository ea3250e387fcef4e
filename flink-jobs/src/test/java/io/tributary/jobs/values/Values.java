package io.tributary.jobs.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.types.Row;

/**
 * The in-memory data of the values connector, per id: the rows a {@code values} source emits (a
 * changelog: each {@link Row}'s kind is kept) and the table a {@code values} sink has materialized
 * from the changes it received. The job runs in this JVM (a local environment), so tests read what
 * it wrote right here.
 */
public final class Values {

    private static final Map<String, List<Row>> SOURCES = new ConcurrentHashMap<>();
    private static final Map<String, List<Row>> SINKS = new ConcurrentHashMap<>();

    private Values() {}

    /** Declares what source {@code id} emits, in order. */
    public static void source(String id, List<Row> rows) {
        SOURCES.put(id, List.copyOf(rows));
    }

    private static final Map<String, List<List<Row>>> PHASES = new ConcurrentHashMap<>();
    private static final Map<String, java.util.function.IntConsumer> ON_PHASE =
            new ConcurrentHashMap<>();

    /**
     * Declares what source {@code id} emits in phases: each phase's rows, then a wait until a
     * checkpoint taken after them has completed, so each phase ends a window of its own; {@code
     * onPhase} hears each phase's number (from 0) before its rows go out, and the number of phases
     * once the last checkpoint completed, before the source ends.
     */
    public static void phases(
            String id, List<List<Row>> phases, java.util.function.IntConsumer onPhase) {
        List<Row> all = new ArrayList<>();
        phases.forEach(all::addAll);
        SOURCES.put(id, List.copyOf(all));
        PHASES.put(id, List.copyOf(phases));
        ON_PHASE.put(id, onPhase);
    }

    static List<List<Row>> sourcePhases(String id) {
        return PHASES.get(id);
    }

    static void onPhase(String id, int phase) {
        ON_PHASE.getOrDefault(id, p -> {}).accept(phase);
    }

    static List<Row> sourceRows(String id) {
        List<Row> rows = SOURCES.get(id);
        if (rows == null) {
            throw new IllegalArgumentException(
                    "No values declared for source id '" + id + "': call Values.source first");
        }
        return rows;
    }

    /**
     * Applies one change to sink {@code id}'s table: an insert adds the row, a retraction removes
     * it.
     */
    static void apply(String id, Row change) {
        List<Row> table = SINKS.computeIfAbsent(id, k -> new ArrayList<>());
        synchronized (table) {
            Row row = Row.copy(change);
            row.setKind(org.apache.flink.types.RowKind.INSERT);
            switch (change.getKind()) {
                case INSERT, UPDATE_AFTER -> table.add(row);
                case UPDATE_BEFORE, DELETE -> {
                    if (!table.remove(row)) {
                        throw new IllegalStateException(
                                "Sink "
                                        + id
                                        + " was asked to retract "
                                        + row
                                        + ", which it never got");
                    }
                }
            }
        }
    }

    /** The rows sink {@code id} holds now (every change applied), as inserts. */
    public static List<Row> sinkRows(String id) {
        List<Row> table = SINKS.getOrDefault(id, List.of());
        synchronized (table) {
            return List.copyOf(table);
        }
    }

    /** Forgets the data of one id. */
    public static void clear(String id) {
        SOURCES.remove(id);
        PHASES.remove(id);
        ON_PHASE.remove(id);
        SINKS.remove(id);
    }
}
