package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.redshift.dialect.PostgresDialect;
import io.tributary.connectors.redshift.dialect.TargetKey;
import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.TablePreparer;
import java.sql.Connection;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upserts on PostgreSQL, whichever statements the commit picks: a plain INSERT tried first where
 * every key came once and looks new (the tables the sink creates), one {@code INSERT ... ON
 * CONFLICT} on the target's unique key with or without the ranking of each key's latest change and
 * the delete of staged deletes, or the delete of every staged key and an insert (a table without
 * such a key). Every table ends the same, replays included.
 */
class UpsertCommitITCase {

    static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false), new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"id", "v"});

    private final Warehouse wh = new Warehouse("sink_upsert");
    private final String job = JobID.generate().toHexString();

    private RedshiftSink sink(String table) throws Exception {
        Configuration o = new Configuration();
        o.setString("url", wh.url);
        o.setString("schema-name", "up");
        o.setString("table-name", table);
        o.set(RedshiftConnectorOptions.STAGING, RedshiftConnectorOptions.Staging.TABLE);
        RedshiftSink sink = new RedshiftSink(new SinkSpec(o, ROW, List.of("id")));
        try (Connection c = sink.spec().connect()) {
            TablePreparer.prepare(sink.spec(), c);
        }
        return sink;
    }

    private static GenericRowData up(long id, String v) {
        return GenericRowData.of(id, StringData.fromString(v));
    }

    private static GenericRowData del(long id) {
        return GenericRowData.ofKind(RowKind.DELETE, id, StringData.fromString("gone"));
    }

    private TargetKey targetKey(String table) throws Exception {
        try (Connection c = wh.pg.connect(wh.database)) {
            return new PostgresDialect()
                    .targetKey(
                            c,
                            new TableId("up", table),
                            List.of("id"),
                            List.of(new BigIntType(false)));
        }
    }

    /**
     * The tables: made by the sink (primary key, compared as Flink does), made by a user without a
     * unique key, and with a unique key on a column PostgreSQL compares otherwise than Flink's
     * BIGINT (numeric: what the writer saw distinct is ranked anyway).
     */
    @ParameterizedTest
    @ValueSource(strings = {"created", "no_key", "numeric_key"})
    void everyTableEndsWithTheLatestChangePerKey(String table) throws Exception {
        wh.execute("DROP SCHEMA IF EXISTS up CASCADE");
        wh.execute("CREATE SCHEMA up");
        switch (table) {
            case "no_key" -> wh.execute("CREATE TABLE up.no_key (id bigint NOT NULL, v text)");
            case "numeric_key" ->
                    wh.execute(
                            "CREATE TABLE up.numeric_key (id numeric(20,0) PRIMARY KEY, v text)");
            default -> {}
        }
        RedshiftSink sink = sink(table);
        assertThat(targetKey(table))
                .isEqualTo(
                        switch (table) {
                            case "created" -> new TargetKey(true, true, true);
                            case "numeric_key" -> new TargetKey(true, false, false);
                            default -> TargetKey.NONE;
                        });
        if (!table.equals("created")) {
            // a partial unique index, or one on more columns than the key, is not the key
            wh.execute("CREATE UNIQUE INDEX ON up." + table + " (id) WHERE v IS NOT NULL");
            wh.execute("CREATE UNIQUE INDEX ON up." + table + " (id, v)");
            assertThat(targetKey(table).unique()).isEqualTo(table.equals("numeric_key"));
        }

        // keys once each, no delete: the writer's shape says so
        RedshiftCommittable first =
                RedshiftCommitterITCase.stage(sink, job, 0, 1, up(1, "a"), up(2, "b"), up(3, "c"));
        assertThat(first.shape().keysDistinct()).isTrue();
        assertThat(first.shape().deletes()).isZero();
        DimensionCommitITCase.commit(sink, first);
        assertThat(rows(table)).containsExactly("1 a", "2 b", "3 c");

        // keys once each, a delete among them
        DimensionCommitITCase.commit(
                sink,
                RedshiftCommitterITCase.stage(sink, job, 0, 2, up(2, "b2"), del(3), up(4, "d")));
        assertThat(rows(table)).containsExactly("1 a", "2 b2", "4 d");

        // keys more than once: the latest change of each wins, a delete then an insert included
        RedshiftCommittable third =
                RedshiftCommitterITCase.stage(
                        sink,
                        job,
                        0,
                        3,
                        up(1, "x"),
                        up(1, "y"),
                        del(4),
                        up(4, "e"),
                        up(5, "f"),
                        del(5),
                        up(6, "g"));
        assertThat(third.shape().keysDistinct()).isFalse();
        DimensionCommitITCase.commit(sink, third);
        assertThat(rows(table)).containsExactly("1 y", "2 b2", "4 e", "6 g");

        // keys once each, no delete, one of them already loaded: on the table the sink created,
        // the plain INSERT tried first meets it, is undone, and the upsert runs
        DimensionCommitITCase.commit(
                sink, RedshiftCommitterITCase.stage(sink, job, 0, 4, up(8, "h"), up(1, "z")));
        assertThat(rows(table)).containsExactly("1 z", "2 b2", "4 e", "6 g", "8 h");

        // a replay of a committed checkpoint changes nothing
        DimensionCommitITCase.commit(
                sink, RedshiftCommitterITCase.stage(sink, job, 0, 2, up(2, "old"), del(1)));
        assertThat(rows(table)).containsExactly("1 z", "2 b2", "4 e", "6 g", "8 h");
    }

    /**
     * The committer learns from the block's notice that the keys were not new, and waits. The
     * column is named as a PL/pgSQL variable ({@code found}): the block takes it for the column.
     */
    @org.junit.jupiter.api.Test
    void theBlockSaysWhenItsPlainInsertMetAKeyAlreadyThere() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS up CASCADE",
                "CREATE SCHEMA up",
                "CREATE TABLE up.t (id bigint PRIMARY KEY, found text)",
                "INSERT INTO up.t VALUES (1, 'old')");
        PostgresDialect postgres = new PostgresDialect();
        TargetKey key = new TargetKey(true, true, true);
        try (Connection c = wh.pg.connect(wh.database);
                java.sql.Statement s = c.createStatement()) {
            for (long id : new long[] {2, 1}) {
                s.execute(
                        "CREATE TEMP TABLE st AS SELECT "
                                + id
                                + "::bigint AS id, 'new'::text AS found, 'U'::char(1) AS"
                                + " \"__tributary_op\", 0::bigint AS \"__tributary_seq\"");
                List<String> sql =
                        postgres.apply(
                                new TableId("up", "t"),
                                "st",
                                List.of("id", "found"),
                                List.of("id"),
                                SinkMode.UPSERT,
                                new io.tributary.connectors.redshift.dialect.StagedShape(
                                        0, 0, true),
                                key);
                assertThat(sql).singleElement().asString().startsWith("DO ");
                s.clearWarnings();
                s.execute(sql.get(0));
                assertThat(postgres.insertFirstFailed(s.getWarnings())).isEqualTo(id == 1);
                s.execute("DROP TABLE st");
            }
        }
        assertThat(wh.rows("SELECT id || ' ' || found FROM up.t ORDER BY id"))
                .containsExactly("1 new", "2 new");
    }

    private List<String> rows(String table) throws Exception {
        return wh.rows("SELECT id || ' ' || v FROM up." + table + " ORDER BY id");
    }
}
