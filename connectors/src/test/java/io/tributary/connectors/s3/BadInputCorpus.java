package io.tributary.connectors.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Writes the bad-input corpus kept in {@code connectors/src/test/corpus/bad-input}: for each format
 * (json, csv, parquet) a folder of files, good rows next to every kind of bad input, and {@code
 * expected.json}, which says for each file the ids of its good rows and each bad record's line and
 * reason. Deterministic (fixed seeds, no clocks): {@link BadInputCorpusITCase} checks that the
 * files in the repository are what this writes, then reads them through the S3 source.
 *
 * <p>Run it with {@code connectors/src/test/corpus/generate.sh}.
 */
public final class BadInputCorpus {

    /** The tables every format is read into: the reader's options the expectations assume. */
    static final String COLUMNS = "id BIGINT, amount DECIMAL(10,2), name STRING";

    static final String MAX_LINE = "4mb";

    private final Path root;
    private final Map<String, Map<String, Object>> expected = new LinkedHashMap<>();

    private BadInputCorpus(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "connectors/src/test/corpus/bad-input");
        write(root);
        System.out.println("bad-input corpus written to " + root.toAbsolutePath());
    }

    /** Writes the whole corpus under {@code root}, replacing what is there. */
    static void write(Path root) throws Exception {
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(root) && !p.getFileName().toString().equals("README.md")) {
                        Files.delete(p);
                    }
                }
            }
        }
        BadInputCorpus c = new BadInputCorpus(root);
        c.json();
        c.csv();
        c.parquet();
        Files.write(
                root.resolve("expected.json"),
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsBytes(c.expected));
    }

    // ---- JSON lines

    private static String jsonRow(long id) {
        return "{\"id\": " + id + ", \"amount\": " + id + ".25, \"name\": \"n" + id + "\"}";
    }

    private static String jsonRows(long from, long to, String eol) {
        StringBuilder b = new StringBuilder();
        for (long i = from; i <= to; i++) {
            b.append(jsonRow(i)).append(eol);
        }
        return b.toString();
    }

    private void json() throws IOException {
        file("json", "01-good.json", jsonRows(1, 100, "\n"), ids(1, 100));
        file("json", "02-crlf.json", jsonRows(101, 150, "\r\n"), ids(101, 150));
        file("json", "03-bom.json", concat(BOM, bytes(jsonRows(151, 160, "\n"))), ids(151, 160));
        file(
                "json",
                "04-truncated.json",
                jsonRows(161, 165, "\n")
                        + "{\"id\": 166, \"amount\": \n"
                        + jsonRows(167, 169, "\n")
                        + "{\"id\": 170, \"am", // the last line, cut short with no newline
                ids(161, 165, 167, 169),
                bad(6, "unparseable"),
                bad(10, "unparseable"));
        file(
                "json",
                "05-wrong-types.json",
                jsonRows(171, 173, "\n")
                        + "{\"id\": \"one hundred\", \"amount\": 1.5, \"name\": \"x\"}\n"
                        + "{\"id\": 174, \"amount\": \"lots\", \"name\": \"x\"}\n"
                        + "42\n"
                        + "[1, 2, 3]\n"
                        + "null\n"
                        + "\"just a string\"\n"
                        + jsonRows(175, 176, "\n"),
                ids(171, 173, 175, 176),
                bad(4, "unparseable"),
                bad(5, "unparseable"),
                bad(6, "unparseable"),
                bad(7, "unparseable"),
                bad(8, "unparseable"),
                bad(9, "unparseable"));
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        utf.writeBytes(bytes(jsonRows(177, 179, "\n")));
        utf.writeBytes(bytes("{\"id\": 180, \"amount\": 1, \"name\": \""));
        utf.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}); // not UTF-8
        utf.writeBytes(bytes("\"}\n"));
        utf.writeBytes(bytes(jsonRows(181, 181, "\n")));
        utf8File("json", "06-invalid-utf8.json", utf.toByteArray(), ids(177, 179, 181, 181), 4);
        file("json", "07-empty.json", new byte[0], ids());
        file(
                "json",
                "08-blank-lines.json",
                "\n" + jsonRow(182) + "\n\n   \n\t\r\n" + jsonRow(183) + "\n\n",
                ids(182, 183));
        byte[] name = new byte[10 * 1024 * 1024];
        Arrays.fill(name, (byte) 'x');
        file(
                "json",
                "09-huge-line.json",
                concat(
                        bytes(
                                jsonRows(184, 184, "\n")
                                        + "{\"id\": 185, \"amount\": 1, \"name\": \""),
                        name,
                        bytes("\"}\n" + jsonRows(186, 187, "\n"))),
                ids(184, 184, 186, 187),
                bad(2, "line_too_long"));
        byte[] gz = gzip(bytes(jsonRows(1000, 2999, "\n")));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        int kept = completeLines(cut);
        file(
                "json",
                "10-truncated.json.gz",
                cut,
                ids(1000, 1000 + kept - 1),
                bad(kept, "corrupt_file"));
        file("json", "11-good.json.gz", gzip(bytes(jsonRows(3000, 3019, "\n"))), ids(3000, 3019));
        file(
                "json",
                "12-not-gzip.json.gz",
                jsonRows(3020, 3022, "\n"), // plain text behind a .gz name
                ids(),
                bad(0, "corrupt_file"));
        byte[] junk = new byte[603];
        Random r = new Random(7);
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (0x80 + r.nextInt(0x80)); // never a newline, never UTF-8
        }
        junk[200] = '\n';
        junk[401] = '\n';
        junk[602] = '\n';
        utf8File("json", "13-binary-junk.json", junk, ids(), 1, 2, 3);
        byte[] zeros = new byte[64];
        file(
                "json",
                "14-nul-bytes.json",
                concat(bytes(jsonRows(3023, 3023, "\n")), zeros, bytes("\n")),
                ids(3023, 3023),
                bad(2, "unparseable"));
    }

    // ---- CSV with a header line

    private static String csvRows(long from, long to, String eol) {
        StringBuilder b = new StringBuilder();
        for (long i = from; i <= to; i++) {
            b.append(i).append(',').append(i).append(".25,n").append(i).append(eol);
        }
        return b.toString();
    }

    private static final String HEADER = "id,amount,name\n";

    private void csv() throws IOException {
        file("csv", "01-good.csv", HEADER + csvRows(4000, 4099, "\n"), ids(4000, 4099));
        file(
                "csv",
                "02-ragged.csv",
                HEADER
                        + csvRows(4100, 4102, "\n")
                        + "4103,1.5\n" // a field short
                        + "4104,1.5,n,extra\n" // a field too many
                        + "4105\n"
                        + csvRows(4106, 4107, "\n")
                        + "4108,1.5,n,,,\n",
                ids(4100, 4102, 4106, 4107),
                bad(5, "unparseable"),
                bad(6, "unparseable"),
                bad(7, "unparseable"),
                bad(10, "unparseable"));
        file(
                "csv",
                "03-bom-crlf.csv",
                concat(BOM, bytes("id,amount,name\r\n" + csvRows(4110, 4129, "\r\n"))),
                ids(4110, 4129));
        file(
                "csv",
                "04-wrong-types.csv",
                HEADER
                        + csvRows(4130, 4131, "\n")
                        + "abc,1.5,n\n"
                        + "4132,lots,n\n"
                        + "4133,\"unterminated,n\n"
                        + csvRows(4134, 4135, "\n"),
                ids(4130, 4131, 4134, 4135),
                bad(4, "unparseable"),
                bad(5, "unparseable"),
                bad(6, "unparseable"));
        file("csv", "05-empty.csv", new byte[0], ids());
        file("csv", "06-header-only.csv", HEADER, ids());
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        utf.writeBytes(bytes(HEADER + csvRows(4136, 4137, "\n")));
        utf.writeBytes(bytes("4138,1.5,"));
        utf.writeBytes(new byte[] {(byte) 0xE2, (byte) 0x28, (byte) 0xA1});
        utf.writeBytes(bytes("\n" + csvRows(4139, 4139, "\n")));
        utf8File("csv", "07-invalid-utf8.csv", utf.toByteArray(), ids(4136, 4137, 4139, 4139), 4);
    }

    // ---- Parquet

    private static Schema schema(String name, String... fields) {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record(name).fields();
        for (String field : fields) {
            f =
                    switch (field) {
                        case "id:long" -> f.requiredLong("id");
                        case "id:string" -> f.requiredString("id");
                        case "amount:decimal" ->
                                f.name("amount")
                                        .type(
                                                LogicalTypes.decimal(10, 2)
                                                        .addToSchema(
                                                                Schema.create(Schema.Type.BYTES)))
                                        .noDefault();
                        case "name:string" -> f.optionalString("name");
                        case "sku:string" -> f.requiredString("sku");
                        case "qty:int" -> f.requiredInt("qty");
                        default -> throw new IllegalArgumentException(field);
                    };
        }
        return f.endRecord();
    }

    private static GenericRecord record(Schema s, long i) {
        GenericRecord r = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
            Object v =
                    switch (f.name() + ":" + f.schema().getType()) {
                        case "id:LONG" -> i;
                        case "id:STRING" -> "A-" + i;
                        case "amount:BYTES" ->
                                ByteBuffer.wrap(
                                        new BigDecimal(i + ".25").unscaledValue().toByteArray());
                        case "name:UNION" -> "n" + i;
                        case "sku:STRING" -> "sku-" + i;
                        case "qty:INT" -> (int) i % 7;
                        default -> throw new IllegalArgumentException(f.toString());
                    };
            r.put(f.name(), v);
        }
        return r;
    }

    private static byte[] parquet(Schema s, long from, long to) throws IOException {
        Path tmp = Files.createTempFile("corpus", ".parquet");
        Files.delete(tmp);
        try {
            try (ParquetWriter<GenericRecord> w =
                    AvroParquetWriter.<GenericRecord>builder(
                                    HadoopOutputFile.fromPath(
                                            new org.apache.hadoop.fs.Path(tmp.toUri()),
                                            new Configuration()))
                            .withSchema(s)
                            .build()) {
                for (long i = from; i <= to; i++) {
                    w.write(record(s, i));
                }
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(tmp.resolveSibling("." + tmp.getFileName() + ".crc"));
        }
    }

    private void parquet() throws IOException {
        Schema current = schema("Sale", "id:long", "amount:decimal", "name:string");
        file("parquet", "01-good.parquet", parquet(current, 5000, 5099), ids(5000, 5099));
        file(
                "parquet",
                "02-older-schema.parquet", // no name column yet: read with name = null
                parquet(schema("Sale", "id:long", "amount:decimal"), 5100, 5149),
                ids(5100, 5149));
        file(
                "parquet",
                "03-other-schema.parquet", // a different table's file: no column in common
                parquet(schema("Stock", "sku:string", "qty:int"), 1, 30),
                ids(),
                bad(0, "schema_mismatch"));
        List<Object[]> wrong = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            wrong.add(bad(i, "unparseable"));
        }
        file(
                "parquet",
                "04-wrong-types.parquet", // id written as text ("A-5200"): no record is a row
                parquet(schema("Sale", "id:string", "amount:decimal", "name:string"), 5200, 5219),
                ids(),
                wrong.toArray(new Object[0][]));
        file(
                "parquet",
                "05-junk.parquet",
                bytes("PAR1 but not really a parquet file PAR1"),
                ids(),
                bad(1, "corrupt_file")); // record 1 cannot be read
        byte[] whole = parquet(current, 5300, 5399);
        file(
                "parquet",
                "06-truncated.parquet",
                Arrays.copyOf(whole, whole.length / 2),
                ids(),
                bad(1, "corrupt_file"));
    }

    /** A good file of one row, for showing the job still reads after the corpus. */
    static byte[] oneRow(String format, long id) throws IOException {
        return switch (format) {
            case "json" -> bytes(jsonRows(id, id, "\n"));
            case "csv" -> bytes(HEADER + csvRows(id, id, "\n"));
            case "parquet" ->
                    parquet(schema("Sale", "id:long", "amount:decimal", "name:string"), id, id);
            default -> throw new IllegalArgumentException(format);
        };
    }

    // ---- helpers

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(b)) {
            out.write(data);
        }
        return b.toByteArray();
    }

    /** The complete lines a broken gzip stream yields before it breaks. */
    private static int completeLines(byte[] gz) {
        int lines = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    lines++;
                }
            }
        } catch (IOException e) {
            // where the stream breaks
        }
        return lines;
    }

    /** Id ranges as pairs: from, to (inclusive). */
    private static long[] ids(long... pairs) {
        return pairs;
    }

    private static Object[] bad(long line, String reason) {
        return new Object[] {line, reason};
    }

    private void file(String format, String name, String content, long[] ids, Object[]... bad)
            throws IOException {
        file(format, name, bytes(content), ids, bad);
    }

    /** A file whose bad records are all invalid UTF-8, at these lines. */
    private void utf8File(String format, String name, byte[] content, long[] ids, int... utf8Lines)
            throws IOException {
        Object[][] bad = new Object[utf8Lines.length][];
        for (int i = 0; i < utf8Lines.length; i++) {
            bad[i] = bad(utf8Lines[i], "invalid_utf8");
        }
        file(format, name, content, ids, bad);
    }

    private void file(String format, String name, byte[] content, long[] ids, Object[]... bad)
            throws IOException {
        Path dir = root.resolve(format);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), content);
        List<List<Long>> ranges = new ArrayList<>();
        for (int i = 0; i < ids.length; i += 2) {
            ranges.add(List.of(ids[i], ids[i + 1]));
        }
        List<Map<String, Object>> quarantined = new ArrayList<>();
        for (Object[] b : bad) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("line", b[0]);
            q.put("kind", b[1]);
            quarantined.add(q);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("good", ranges);
        e.put("quarantined", quarantined);
        expected.computeIfAbsent(format, k -> new LinkedHashMap<>()).put(name, e);
    }
}
