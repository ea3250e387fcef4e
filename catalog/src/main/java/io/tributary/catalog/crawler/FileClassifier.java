package io.tributary.catalog.crawler;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.model.AvroTypes;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Struct;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.model.TypeWidening;
import io.tributary.catalog.pii.PiiCounts;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.RangeInputFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Tells a file's format from its first bytes and infers its schema from a bounded sample (like
 * Glue: the first MB and at most 1,000 records), never a full read: Parquet from its footer, Avro
 * from its header, JSON (a record per line, or an array of records) and CSV/TSV from the sample;
 * gzip'd text is decompressed on the fly.
 */
final class FileClassifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};
    private static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

    private final ObjectStore store;
    private final int sampleBytes;
    private final int sampleRecords;
    private final JsonRecordPath jsonPath;

    FileClassifier(ObjectStore store, int sampleBytes, int sampleRecords) {
        this(store, sampleBytes, sampleRecords, null);
    }

    /** {@code jsonPath}: where JSON documents hold their records (null: lines or an array). */
    FileClassifier(ObjectStore store, int sampleBytes, int sampleRecords, JsonRecordPath jsonPath) {
        this.store = store;
        this.sampleBytes = sampleBytes;
        this.sampleRecords = sampleRecords;
        this.jsonPath = jsonPath;
    }

    FileSchema classify(ObjectInfo file) {
        if (file.size() == 0) {
            return FileSchema.unclassified("empty file");
        }
        try {
            byte[] head;
            try (InputStream in = store.open(file.key(), sampleBytes)) {
                head = in.readNBytes(sampleBytes);
            }
            boolean cut = file.size() > head.length;
            if (startsWith(head, PARQUET_MAGIC)) {
                return parquet(file);
            }
            if (startsWith(head, AVRO_MAGIC)) {
                return avro(head);
            }
            String compression = null;
            if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                compression = "gzip";
                byte[][] inflated = gunzip(head);
                if (inflated[1] != null) {
                    return FileSchema.unclassified(
                            "gzip data is corrupt: "
                                    + new String(inflated[1], StandardCharsets.UTF_8));
                }
                cut = inflated[0].length >= sampleBytes || cut;
                head = inflated[0];
            }
            FileSchema text = text(head, cut, file.key());
            if (compression != null && text.classified()) {
                Map<String, String> options = new LinkedHashMap<>(text.options());
                options.put("compression", compression);
                return new FileSchema(
                        text.format(),
                        options,
                        text.row(),
                        text.recordsSampled(),
                        null,
                        text.typesSeen(),
                        text.pii());
            }
            return text;
        } catch (IOException | RuntimeException e) {
            return FileSchema.unclassified("could not be read: " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] b, byte[] magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** {inflated bytes (at most the sample size), error message or null}. */
    private byte[][] gunzip(byte[] compressed) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while (out.size() < sampleBytes && (n = in.read(buf)) > 0) {
                    out.write(buf, 0, Math.min(n, sampleBytes - out.size()));
                }
            } catch (EOFException e) {
                // the compressed sample ends mid-stream: what was inflated is the sample
            }
            return new byte[][] {out.toByteArray(), null};
        } catch (IOException e) {
            return new byte[][] {
                null, String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8)
            };
        }
    }

    private FileSchema text(byte[] bytes, boolean cut, String key) {
        String text;
        CharsetDecoder utf8 =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // a sample cut inside a multi-byte character is fine; anything else is not text
            text = lenient(bytes);
            long bad = text.chars().filter(c -> c == '\uFFFD').count();
            if (bad > 3 || !cut) {
                return FileSchema.unclassified(
                        "not UTF-8 text (" + bad + " invalid byte sequences in the sample)");
            }
        }
        if (text.indexOf('\0') >= 0) {
            return FileSchema.unclassified("binary content (NUL bytes) in a text file");
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        String trimmed = text.stripLeading();
        if (trimmed.isEmpty()) {
            return FileSchema.unclassified("only whitespace");
        }
        if (trimmed.charAt(0) == '{' || trimmed.charAt(0) == '[') {
            FileSchema json = json(trimmed, cut);
            if (json.classified() || !key.toLowerCase(Locale.ROOT).contains(".csv")) {
                return json;
            }
        }
        return CsvSniffer.sniff(text, cut, key, sampleRecords);
    }

    private static String lenient(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8); // invalid sequences become U+FFFD
    }

    private FileSchema json(String text, boolean cut) {
        boolean array = jsonPath != null || text.charAt(0) == '[';
        List<JsonNode> nodes = new ArrayList<>();
        long records = 0;
        long notObjects = 0;
        Map<String, Set<String>> seen = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            if (jsonPath != null) {
                if (!jsonPath.seek(p)) {
                    return FileSchema.unclassified("no array of records at " + jsonPath);
                }
            } else if (array) {
                p.nextToken(); // [
            }
            while (records < sampleRecords) {
                JsonToken t = p.nextToken();
                if (t == null || (array && t == JsonToken.END_ARRAY)) {
                    break;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(p);
                } catch (IOException e) {
                    if (cut && p.getCurrentLocation().getCharOffset() >= text.length() - 1) {
                        break; // the sample ends inside a record
                    }
                    throw e;
                }
                if (!node.isObject()) {
                    notObjects++;
                    continue;
                }
                nodes.add(node);
                records++;
            }
        } catch (IOException e) {
            if (records > 0 && !cut) {
                // malformed records later in the file are the reader's to quarantine
                return withRecords(array, nodes, seen);
            }
            if (records == 0) {
                String path = jsonPath == null ? suggestedPath(text) : null;
                return FileSchema.unclassified(
                        path != null
                                ? documentHolding(path)
                                : "not valid JSON: " + firstLine(e.getMessage()));
            }
        }
        if (records == 0) {
            String path = jsonPath == null ? suggestedPath(text) : null;
            return FileSchema.unclassified(
                    path != null
                            ? documentHolding(path)
                            : notObjects > 0
                                    ? "JSON values that are not objects"
                                    : "no JSON records");
        }
        if (jsonPath == null && records == 1 && !array) {
            // one document holding its records under a key (GeoJSON) is not a table of one row
            String path = suggestedPath(text);
            if (path != null) {
                return FileSchema.unclassified(documentHolding(path));
            }
        }
        return withRecords(array, nodes, seen);
    }

    private static String suggestedPath(String text) {
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            return JsonRecordPath.suggest(p);
        } catch (IOException e) {
            return null;
        }
    }

    private static String documentHolding(String path) {
        return "one JSON document holding its records at "
                + path
                + ": crawl with --json-path '"
                + path
                + "' (Glue's custom JSON classifier)";
    }

    /**
     * The file's schema from its sampled records. Timestamps are typed in the style the file writes
     * them: ISO-8601 ({@code 2026-12-03T10:15:00}) when no value is in SQL style, which the table
     * then reads with (format option {@code timestamp-format}); else SQL style, and ISO-8601 values
     * are strings.
     */
    private FileSchema withRecords(
            boolean array, List<JsonNode> nodes, Map<String, Set<String>> seen) {
        int[] styles = new int[2];
        nodes.forEach(n -> ValueTypes.timestampStyles(n, styles));
        boolean iso = styles[1] > 0 && styles[0] == 0;
        DataType row = DataType.Primitive.NULL;
        PiiCounts pii = new PiiCounts();
        for (JsonNode node : nodes) {
            Struct one = (Struct) ValueTypes.ofJson(node, iso);
            one.fields().forEach(f -> FileSchema.see(seen, f.name(), f.type()));
            row = TypeWidening.widen(row, one);
            node.fields()
                    .forEachRemaining(
                            e -> {
                                JsonNode v = e.getValue();
                                if (v.isTextual() || v.isIntegralNumber()) {
                                    pii.see(e.getKey(), v.asText());
                                }
                            });
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("layout", array ? "array" : "lines");
        if (jsonPath != null) {
            options.put("json-path", jsonPath.toString());
        }
        if (iso) {
            options.put(TIMESTAMP_FORMAT, "ISO-8601");
        }
        return new FileSchema(
                TableFormat.JSON, options, (Struct) row, nodes.size(), null, seen, pii);
    }

    /** The JSON format option naming how a table's timestamps are written (SQL by default). */
    public static final String TIMESTAMP_FORMAT = "timestamp-format";

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private FileSchema avro(byte[] head) throws IOException {
        try (DataFileStream<GenericRecord> in =
                new DataFileStream<>(new ByteArrayInputStream(head), new GenericDatumReader<>())) {
            DataType t = AvroTypes.fromAvro(in.getSchema());
            if (!(t instanceof Struct s)) {
                return FileSchema.unclassified("an Avro file whose schema is not a record");
            }
            return new FileSchema(TableFormat.AVRO, Map.of(), s, 0, null);
        }
    }

    private FileSchema parquet(ObjectInfo file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new RangeInputFile(store, file))) {
            ParquetMetadata footer = reader.getFooter();
            DataType t =
                    AvroTypes.fromAvro(
                            new AvroSchemaConverter()
                                    .convert(footer.getFileMetaData().getSchema()));
            long rows = footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
            return new FileSchema(TableFormat.PARQUET, Map.of(), (Struct) t, rows, null);
        }
    }
}
