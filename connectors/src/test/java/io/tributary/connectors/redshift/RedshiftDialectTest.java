package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.redshift.dialect.DimensionColumns;
import io.tributary.connectors.redshift.dialect.PostgresDialect;
import io.tributary.connectors.redshift.dialect.RedshiftDialect;
import io.tributary.connectors.redshift.dialect.StagedShape;
import io.tributary.connectors.redshift.dialect.TargetKey;
import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the SQL each dialect emits: Redshift's is checked here only (no live cluster).
 */
class RedshiftDialectTest {

    private final RedshiftDialect redshift = new RedshiftDialect();
    private final PostgresDialect postgres = new PostgresDialect();
    private final TableId target = new TableId("analytics", "sales_enriched");

    /** A dimension join's customer name, and the rows it stages. */
    private static final DimensionColumns DIM =
            new DimensionColumns(
                    new TableId("analytics", "sales_enriched__dimension"),
                    "customer_id",
                    List.of("customer_name"));

    private static final List<String> DIM_STAGED =
            List.of(
                    "order_id",
                    "customer_id",
                    "customer_name",
                    "__tributary_dim_version",
                    "__tributary_dim_change");

    @Test
    void redshiftCopiesStagedFilesThroughAManifestWithTheIamRole() {
        assertThat(
                        redshift.copyFromStorage(
                                "\"__tributary_stage\"",
                                List.of("order_id", "amount"),
                                true,
                                "s3://lake/stage/job/tstg_1.csv.gz.manifest",
                                Optional.of("arn:aws:iam::123456789012:role/RedshiftCopy"),
                                Optional.of("eu-west-1")))
                .isEqualTo(
                        "COPY \"__tributary_stage\" (\"order_id\", \"amount\", \"__tributary_op\","
                                + " \"__tributary_seq\") FROM"
                                + " 's3://lake/stage/job/tstg_1.csv.gz.manifest' IAM_ROLE"
                                + " 'arn:aws:iam::123456789012:role/RedshiftCopy' REGION 'eu-west-1'"
                                + " FORMAT AS CSV GZIP MANIFEST NULL AS '\\N' TIMEFORMAT 'auto'"
                                + " DATEFORMAT 'auto' ACCEPTINVCHARS COMPUPDATE OFF STATUPDATE OFF");
        assertThat(
                        redshift.copyFromStorage(
                                "\"analytics\".\"sales\"",
                                List.of("a"),
                                false,
                                "s3://b/m",
                                Optional.empty(),
                                Optional.empty()))
                .as("appends are copied straight into the target, without op/seq columns")
                .startsWith(
                        "COPY \"analytics\".\"sales\" (\"a\") FROM 's3://b/m' IAM_ROLE default"
                                + " FORMAT")
                .doesNotContain("REGION")
                .doesNotContain("__tributary_op");
    }

    @Test
    void redshiftManifestListsEveryStagedFileAsMandatory() {
        assertThat(new RedshiftDialect().manifest(List.of("s3://b/x.csv.gz", "s3://b/y.csv.gz")))
                .isEqualTo(
                        "{\"entries\":[{\"url\":\"s3://b/x.csv.gz\",\"mandatory\":true},"
                                + "{\"url\":\"s3://b/y.csv.gz\",\"mandatory\":true}]}");
    }

    @Test
    void redshiftUpsertDeletesThenMergesTheLatestChangePerKey() {
        List<String> sql =
                redshift.apply(
                        target,
                        "\"__tributary_stage\"",
                        List.of("order_id", "name", "amount"),
                        List.of("order_id"),
                        SinkMode.UPSERT);
        String t = "\"analytics\".\"sales_enriched\"";
        assertThat(sql)
                .containsExactly(
                        "CREATE TEMP TABLE \"__tributary_latest\" AS SELECT \"order_id\", \"name\","
                                + " \"amount\", \"__tributary_op\" FROM (SELECT *, ROW_NUMBER() OVER"
                                + " (PARTITION BY \"order_id\" ORDER BY \"__tributary_seq\" DESC) AS"
                                + " \"__tributary_rn\" FROM \"__tributary_stage\") AS"
                                + " \"__tributary_ranked\" WHERE \"__tributary_rn\" = 1",
                        "DELETE FROM "
                                + t
                                + " USING \"__tributary_latest\" WHERE "
                                + t
                                + ".\"order_id\" = \"__tributary_latest\".\"order_id\" AND"
                                + " \"__tributary_latest\".\"__tributary_op\" = 'D'",
                        "DELETE FROM \"__tributary_latest\" WHERE \"__tributary_op\" = 'D'",
                        "MERGE INTO "
                                + t
                                + " USING \"__tributary_latest\" AS \"__tributary_src\" ON "
                                + t
                                + ".\"order_id\" = \"__tributary_src\".\"order_id\" WHEN MATCHED THEN"
                                + " UPDATE SET \"name\" = \"__tributary_src\".\"name\", \"amount\" ="
                                + " \"__tributary_src\".\"amount\" WHEN NOT MATCHED THEN INSERT"
                                + " (\"order_id\", \"name\", \"amount\") VALUES"
                                + " (\"__tributary_src\".\"order_id\", \"__tributary_src\".\"name\","
                                + " \"__tributary_src\".\"amount\")",
                        "DROP TABLE \"__tributary_latest\"");
    }

    @Test
    void redshiftAppliesADimensionsChangesAroundItsMerge() {
        List<String> sql =
                redshift.applyWithDimension(
                        target,
                        "\"__tributary_stage\"",
                        DIM_STAGED,
                        List.of("order_id"),
                        DIM,
                        StagedShape.UNKNOWN,
                        TargetKey.NONE);
        String d = "\"analytics\".\"sales_enriched__dimension\"";
        // the dimension table first, a newer version only
        assertThat(sql.get(0))
                .startsWith("DELETE FROM " + d + " WHERE EXISTS (SELECT 1 FROM (SELECT")
                .contains("WHERE \"__tributary_dim_change\"")
                .endsWith(
                        "\"__tributary_p\".\"__tributary_dim_version\" > "
                                + d
                                + ".\"__tributary_dim_version\")");
        assertThat(sql.get(1)).startsWith("INSERT INTO " + d + " (\"customer_id\",");
        // the loaded rows of the changed keys, from it
        assertThat(sql.get(2))
                .isEqualTo(
                        "UPDATE \"analytics\".\"sales_enriched\" AS \"__tributary_t\" SET"
                                + " \"customer_name\" = \"__tributary_d\".\"customer_name\" FROM "
                                + d
                                + " AS \"__tributary_d\" WHERE \"__tributary_t\".\"customer_id\" ="
                                + " \"__tributary_d\".\"customer_id\" AND"
                                + " \"__tributary_d\".\"customer_id\" IN (SELECT \"customer_id\""
                                + " FROM \"__tributary_stage\" WHERE \"__tributary_dim_change\")");
        assertThat(sql.get(3))
                .isEqualTo("DELETE FROM \"__tributary_stage\" WHERE \"__tributary_dim_change\"");
        // the orders merged as without a dimension, without the two staged-only columns
        List<String> merge =
                redshift.apply(
                        target,
                        "\"__tributary_stage\"",
                        List.of("order_id", "customer_id", "customer_name"),
                        List.of("order_id"),
                        SinkMode.UPSERT);
        assertThat(sql.subList(4, 4 + merge.size())).isEqualTo(merge);
        assertThat(String.join(";", merge)).doesNotContain("__tributary_dim_");
        // then the merged orders joined with an older version than the table holds
        assertThat(sql.get(sql.size() - 1))
                .startsWith("UPDATE \"analytics\".\"sales_enriched\" AS \"__tributary_t\" SET")
                .endsWith(
                        "\"__tributary_d\".\"__tributary_dim_version\" >"
                                + " \"__tributary_s\".\"__tributary_dim_version\"");
    }

    @Test
    void aBatchTheWriterSawWithoutChangesSkipsTheDimensionsStatements() {
        List<String> all =
                redshift.applyWithDimension(
                        target,
                        "st",
                        DIM_STAGED,
                        List.of("order_id"),
                        DIM,
                        new StagedShape(0, 2, true),
                        TargetKey.NONE);
        List<String> none =
                redshift.applyWithDimension(
                        target,
                        "st",
                        DIM_STAGED,
                        List.of("order_id"),
                        DIM,
                        new StagedShape(0, 0, true),
                        TargetKey.NONE);
        // the merge and the correction stay: another subtask may have committed a change
        assertThat(none).isEqualTo(all.subList(4, all.size()));
        assertThat(none.get(none.size() - 1)).contains("__tributary_dim_version");
    }

    @Test
    void redshiftAlterAndCreateUseRedshiftTypes() {
        assertThat(redshift.addColumn(target, "email", new VarCharType(100)))
                .isEqualTo(
                        "ALTER TABLE \"analytics\".\"sales_enriched\" ADD COLUMN \"email\" VARCHAR(400)");
        List<LogicalType> types =
                List.of(
                        new BigIntType(false),
                        new DecimalType(12, 2),
                        new TimestampType(3),
                        new LocalZonedTimestampType(6),
                        new ArrayType(new IntType()),
                        new VarBinaryType(16),
                        new VarCharType(VarCharType.MAX_LENGTH));
        assertThat(
                        redshift.createTable(
                                target,
                                List.of("id", "amount", "ts", "ts_utc", "tags", "raw", "note"),
                                types,
                                List.of("id")))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"analytics\".\"sales_enriched\" (\"id\" BIGINT"
                                + " NOT NULL, \"amount\" DECIMAL(12,2), \"ts\" TIMESTAMP, \"ts_utc\""
                                + " TIMESTAMPTZ, \"tags\" SUPER, \"raw\" VARBYTE, \"note\""
                                + " VARCHAR(65535), PRIMARY KEY (\"id\"))");
        assertThat(
                        postgres.createTable(
                                target,
                                List.of("id", "amount", "ts", "ts_utc", "tags", "raw", "note"),
                                types,
                                List.of("id")))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"analytics\".\"sales_enriched\" (\"id\" bigint"
                                + " NOT NULL, \"amount\" numeric(12,2), \"ts\" timestamp(3), \"ts_utc\""
                                + " timestamptz(6), \"tags\" jsonb, \"raw\" bytea, \"note\" text,"
                                + " PRIMARY KEY (\"id\"))");
    }

    @Test
    void postgresUpsertDeletesEveryTouchedKeyThenInsertsTheLatestNonDeletedRows() {
        List<String> sql =
                postgres.apply(
                        target,
                        "\"s\".\"stage\"",
                        List.of("id", "v"),
                        List.of("id"),
                        SinkMode.UPSERT);
        assertThat(sql).hasSize(2);
        assertThat(sql.get(0))
                .isEqualTo(
                        "DELETE FROM \"analytics\".\"sales_enriched\" AS \"__tributary_t\" USING"
                                + " \"s\".\"stage\" AS \"__tributary_s\" WHERE \"__tributary_t\".\"id\""
                                + " = \"__tributary_s\".\"id\"");
        assertThat(sql.get(1)).endsWith("WHERE \"__tributary_op\" <> 'D'");
        assertThat(postgres.apply(target, "st", List.of("id"), List.of(), SinkMode.APPEND))
                .containsExactly(
                        "INSERT INTO \"analytics\".\"sales_enriched\" (\"id\") SELECT \"id\" FROM st");
    }

    /** PostgreSQL's upsert of {@code columns} keyed by id, from stage "st". */
    private List<String> upsert(List<String> columns, StagedShape shape, TargetKey key) {
        return postgres.apply(target, "st", columns, List.of("id"), SinkMode.UPSERT, shape, key);
    }

    @Test
    void postgresUpsertOnAUniqueKeyIsOneInsertOnConflict() {
        List<String> columns = List.of("id", "v");
        TargetKey exact = new TargetKey(true, true, false);
        // keys once each, no delete: the staged rows as they are
        assertThat(upsert(columns, new StagedShape(0, 0, true), exact))
                .containsExactly(
                        "INSERT INTO \"analytics\".\"sales_enriched\" (\"id\", \"v\") SELECT"
                                + " \"id\", \"v\" FROM (SELECT \"id\", \"v\", \"__tributary_op\" FROM"
                                + " st) AS \"__tributary_latest\" WHERE \"__tributary_op\" <> 'D' ON"
                                + " CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
        // deletes first, by the staged deletes only; keys more than once: the latest per key
        List<String> ranked = upsert(columns, new StagedShape(3, 0, false), exact);
        assertThat(ranked).hasSize(2);
        assertThat(ranked.get(0))
                .isEqualTo(
                        "DELETE FROM \"analytics\".\"sales_enriched\" AS \"__tributary_t\" USING"
                                + " st AS \"__tributary_s\" WHERE \"__tributary_s\".\"__tributary_op\" ="
                                + " 'D' AND \"__tributary_t\".\"id\" = \"__tributary_s\".\"id\"");
        assertThat(ranked.get(1))
                .contains("ROW_NUMBER() OVER (PARTITION BY \"id\"")
                .endsWith("ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
        // keys the warehouse compares otherwise than Flink are ranked however the writer saw them
        assertThat(
                        upsert(
                                        columns,
                                        new StagedShape(0, 0, true),
                                        new TargetKey(true, false, true))
                                .get(0))
                .contains("ROW_NUMBER()");
        // keys that look new: a plain INSERT first, the upsert when one is already there
        List<String> insertFirst =
                upsert(columns, new StagedShape(0, 0, true), exact.insertFirst(true));
        String onConflict = upsert(columns, new StagedShape(0, 0, true), exact).get(0);
        assertThat(insertFirst)
                .containsExactly(
                        "DO $tributary$ #variable_conflict use_column\nBEGIN "
                                + onConflict.substring(0, onConflict.indexOf(" ON CONFLICT"))
                                + "; EXCEPTION WHEN unique_violation THEN RAISE NOTICE '"
                                + PostgresDialect.KEYS_PRESENT_NOTICE
                                + "'; "
                                + onConflict
                                + "; END $tributary$");
        // not with deletes, nor where a name holds the block's quote
        assertThat(upsert(columns, new StagedShape(1, 0, true), exact.insertFirst(true)).get(1))
                .startsWith("INSERT INTO");
        assertThat(
                        upsert(
                                        List.of("id", "$tributary$"),
                                        new StagedShape(0, 0, true),
                                        exact.insertFirst(true))
                                .get(0))
                .startsWith("INSERT INTO");
        // a key-only table: nothing to update
        assertThat(upsert(List.of("id"), StagedShape.UNKNOWN, exact).get(1))
                .endsWith("ON CONFLICT (\"id\") DO NOTHING");
        // no unique key: as before
        assertThat(upsert(columns, new StagedShape(0, 0, true), TargetKey.NONE))
                .isEqualTo(postgres.apply(target, "st", columns, List.of("id"), SinkMode.UPSERT));
    }

    @Test
    void hostileIdentifiersAreQuotedNeverInterpreted() {
        WarehouseDialect d = postgres;
        assertThat(d.quote("a\"; DROP TABLE canary; --"))
                .isEqualTo("\"a\"\"; DROP TABLE canary; --\"");
        assertThat(d.qualified(new TableId("my schema", "select")))
                .isEqualTo("\"my schema\".\"select\"");
        assertThat(d.literal("it's")).isEqualTo("'it''s'");
        assertThatThrownBy(() -> d.quote("nul\0")).hasMessageContaining("NUL");
        String long64 = "x".repeat(64);
        assertThatThrownBy(() -> postgres.quote(long64))
                .hasMessageContaining("64 bytes; postgres allows 63");
        assertThat(redshift.quote(long64)).isEqualTo('"' + long64 + '"');
        assertThatThrownBy(() -> redshift.quote("é".repeat(64))).hasMessageContaining("128 bytes");
    }

    @Test
    void dialectFollowsTheUrlAndHidesPasswordsInErrors() {
        assertThat(WarehouseDialect.forUrl("jdbc:redshift://c:5439/dev"))
                .isInstanceOf(RedshiftDialect.class);
        assertThat(WarehouseDialect.forUrl("jdbc:postgresql://h/db"))
                .isInstanceOf(PostgresDialect.class);
        assertThatThrownBy(
                        () -> WarehouseDialect.forUrl("jdbc:mysql://h/db?user=u&password=hunter2"))
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("hunter2");
    }
}
