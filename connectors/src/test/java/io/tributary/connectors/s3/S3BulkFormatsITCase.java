package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Parquet and Avro files written by their own libraries, read by tributary-s3: decimals, nested
 * records and arrays, partition columns from folders, an older file without a newer column (null),
 * and a corrupt file quarantined while the others load.
 */
class S3BulkFormatsITCase {

    @TempDir Path tmp;

    private final S3Service s3 = SharedServices.s3();

    private static Schema schema(boolean withCoupon) {
        SchemaBuilder.FieldAssembler<Schema> f =
                SchemaBuilder.record("Order")
                        .fields()
                        .requiredLong("order_id")
                        .name("total")
                        .type(
                                LogicalTypes.decimal(10, 2)
                                        .addToSchema(Schema.create(Schema.Type.BYTES)))
                        .noDefault()
                        .name("items")
                        .type()
                        .array()
                        .items()
                        .intType()
                        .noDefault()
                        .name("ship")
                        .type()
                        .record("Ship")
                        .fields()
                        .requiredString("city")
                        .endRecord()
                        .noDefault();
        if (withCoupon) {
            f = f.optionalString("coupon");
        }
        return f.endRecord();
    }

    private static GenericRecord order(Schema s, long id) {
        GenericRecord r = new GenericData.Record(s);
        r.put("order_id", id);
        r.put("total", ByteBuffer.wrap(new BigDecimal(id + ".25").unscaledValue().toByteArray()));
        r.put("items", List.of(1, (int) id));
        GenericRecord ship = new GenericData.Record(s.getField("ship").schema());
        ship.put("city", "c" + id);
        r.put("ship", ship);
        if (s.getField("coupon") != null) {
            r.put("coupon", "FREE");
        }
        return r;
    }

    private byte[] parquet(Schema s, long from, int n) throws Exception {
        Path p = tmp.resolve("f-" + from + ".parquet");
        try (ParquetWriter<GenericRecord> w =
                AvroParquetWriter.<GenericRecord>builder(
                                HadoopOutputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(p.toUri()),
                                        new Configuration()))
                        .withSchema(s)
                        .build()) {
            for (long i = from; i < from + n; i++) {
                w.write(order(s, i));
            }
        }
        return Files.readAllBytes(p);
    }

    private static byte[] avro(Schema s, long from, int n) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(s))) {
            w.create(s, out);
            for (long i = from; i < from + n; i++) {
                w.append(order(s, i));
            }
        }
        return out.toByteArray();
    }

    private List<Row> read(String bucket, String format) throws Exception {
        TableEnvironment tEnv =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(SharedServices.flink().clientConfiguration())
                                .build());
        tEnv.executeSql(
                "CREATE TABLE orders (order_id BIGINT, total DECIMAL(10,2), items ARRAY<INT>,"
                        + " ship ROW<city STRING>, coupon STRING, `day` STRING) PARTITIONED BY"
                        + " (`day`) WITH ('connector' = 'tributary-s3', 'format' = '"
                        + format
                        + "', 'scan.mode' = 'bounded', 'path' = 's3://"
                        + bucket
                        + "/"
                        + format
                        + "/', 's3.endpoint' = '"
                        + s3.endpoint()
                        + "', 's3.path-style' = 'true', 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "')");
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                tEnv.executeSql(
                                "SELECT order_id, total, CARDINALITY(items), ship.city, coupon,"
                                        + " `day` FROM orders ORDER BY order_id")
                        .collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void parquetAndAvroFilesOfTwoSchemaVersionsReadAsOneTable() throws Exception {
        String bucket = "bulk-formats";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            put(client, bucket, "parquet/day=1/a.parquet", parquet(schema(false), 1, 100));
            put(client, bucket, "parquet/day=2/b.parquet", parquet(schema(true), 101, 50));
            put(client, bucket, "parquet/day=2/junk.parquet", "PAR1 but not really".getBytes());
            put(client, bucket, "avro/day=1/a.avro", avro(schema(false), 1, 100));
            put(client, bucket, "avro/day=2/b.avro", avro(schema(true), 101, 50));
            put(client, bucket, "avro/day=2/junk.avro", "Obj\u0001 truncated".getBytes());
            for (String format : List.of("parquet", "avro")) {
                List<Row> rows = read(bucket, format);
                assertThat(rows).as(format).hasSize(150);
                assertThat(rows.get(0).toString()).isEqualTo("+I[1, 1.25, 2, c1, null, 1]");
                assertThat(rows.get(149).toString()).isEqualTo("+I[150, 150.25, 2, c150, FREE, 2]");
                List<String> quarantined = new ArrayList<>();
                client.listObjectsV2Paginator(
                                b -> b.bucket(bucket).prefix(format + "/_tributary_quarantine/"))
                        .contents()
                        .forEach(o -> quarantined.add(o.key()));
                assertThat(quarantined).as(format + " junk file quarantined").hasSize(1);
            }
        }
    }

    private static void put(S3Client s3, String bucket, String key, byte[] body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    }
}
