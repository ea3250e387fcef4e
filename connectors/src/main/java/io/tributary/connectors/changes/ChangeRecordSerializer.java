package io.tributary.connectors.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.ModelJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ChangeRecord} compactly: values by a one-byte tag, the shape as JSON, encoded
 * once per shape and instance and cached (a shape is shared by every record of a table until its
 * schema changes), so records cross the network without Kryo. Records are immutable: copy is
 * identity.
 */
@Internal
public final class ChangeRecordSerializer extends TypeSerializer<ChangeRecord> {

    private static final long serialVersionUID = 1L;
    private static final int CACHE_LIMIT = 1024;

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte STRING = 5;
    private static final byte BYTES = 6;
    private static final byte DECIMAL = 7;
    private static final byte DATE = 8;
    private static final byte TIMESTAMP = 9;

    private transient Map<RowShape, byte[]> written;
    private transient Map<ByteBuffer, RowShape> read;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<ChangeRecord> duplicate() {
        return new ChangeRecordSerializer();
    }

    @Override
    public ChangeRecord createInstance() {
        return null;
    }

    @Override
    public ChangeRecord copy(ChangeRecord from) {
        return from;
    }

    @Override
    public ChangeRecord copy(ChangeRecord from, ChangeRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChangeRecord r, DataOutputView out) throws IOException {
        out.writeByte(r.op().ordinal());
        byte[] shape = shapeBytes(r.shape());
        out.writeInt(shape.length);
        out.write(shape);
        writeRow(r.before(), out);
        writeRow(r.after(), out);
        writeString(r.position(), out);
        out.writeLong(r.commitMillis());
        out.writeBoolean(r.note() != null);
        if (r.note() != null) {
            writeString(r.note(), out);
        }
        out.writeInt(r.source().size());
        for (Map.Entry<String, Object> e : r.source().entrySet()) {
            writeString(e.getKey(), out);
            writeValue(e.getValue(), out);
        }
    }

    @Override
    public ChangeRecord deserialize(DataInputView in) throws IOException {
        ChangeOp op = ChangeOp.values()[in.readByte()];
        byte[] shapeBytes = new byte[in.readInt()];
        in.readFully(shapeBytes);
        RowShape shape = shape(shapeBytes);
        Object[] before = readRow(in);
        Object[] after = readRow(in);
        String position = readString(in);
        long commit = in.readLong();
        String note = in.readBoolean() ? readString(in) : null;
        int fields = in.readInt();
        Map<String, Object> source = fields == 0 ? Map.of() : new LinkedHashMap<>();
        for (int i = 0; i < fields; i++) {
            String key = readString(in);
            source.put(key, readValue(in));
        }
        return new ChangeRecord(op, shape, before, after, position, commit, note, source);
    }

    @Override
    public ChangeRecord deserialize(ChangeRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private byte[] shapeBytes(RowShape s) {
        if (written == null) {
            written = new IdentityHashMap<>();
        }
        byte[] b = written.get(s);
        if (b == null) {
            if (written.size() >= CACHE_LIMIT) {
                written.clear();
            }
            b = encodeShape(s);
            written.put(s, b);
        }
        return b;
    }

    private RowShape shape(byte[] bytes) {
        if (read == null) {
            read = new HashMap<>();
        }
        ByteBuffer key = ByteBuffer.wrap(bytes);
        RowShape s = read.get(key);
        if (s == null) {
            if (read.size() >= CACHE_LIMIT) {
                read.clear();
            }
            s = decodeShape(bytes);
            read.put(key, s);
        }
        return s;
    }

    static byte[] encodeShape(RowShape s) {
        ObjectNode n = ModelJson.MAPPER.createObjectNode();
        n.put("database", s.table().database());
        n.put("schema", s.table().schema());
        n.put("table", s.table().table());
        n.put("version", s.version());
        ArrayNode key = n.putArray("key");
        s.key().forEach(key::add);
        ArrayNode cols = n.putArray("columns");
        for (Column c : s.columns()) {
            cols.add(ModelJson.column(c));
        }
        try {
            return ModelJson.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RowShape decodeShape(byte[] bytes) {
        try {
            JsonNode n = ModelJson.MAPPER.readTree(bytes);
            List<String> key = new ArrayList<>();
            n.get("key").forEach(k -> key.add(k.asText()));
            List<Column> cols = new ArrayList<>();
            n.get("columns").forEach(c -> cols.add(ModelJson.column(c)));
            JsonNode schema = n.get("schema");
            return new RowShape(
                    new SourceTable(
                            n.get("database").asText(),
                            schema == null || schema.isNull() ? null : schema.asText(),
                            n.get("table").asText()),
                    cols,
                    key,
                    n.get("version").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeRow(Object[] row, DataOutputView out) throws IOException {
        if (row == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(row.length);
        for (Object v : row) {
            writeValue(v, out);
        }
    }

    private static Object[] readRow(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
            row[i] = readValue(in);
        }
        return row;
    }

    private static void writeValue(Object v, DataOutputView out) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            writeString(s, out);
        } else if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (v instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(DECIMAL);
            out.writeInt(d.scale());
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(unscaled.length);
            out.write(unscaled);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (v instanceof LocalDateTime t) {
            out.writeByte(TIMESTAMP);
            out.writeLong(t.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(t.getNano());
        } else if (v instanceof LocalDate d) {
            out.writeByte(DATE);
            out.writeLong(d.toEpochDay());
        } else if (v instanceof byte[] b) {
            out.writeByte(BYTES);
            out.writeInt(b.length);
            out.write(b);
        } else {
            throw new IllegalArgumentException(
                    "A change record holds a "
                            + v.getClass().getName()
                            + "; the CDC decoder should have converted it");
        }
    }

    private static Object readValue(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return readString(in);
            case LONG:
                return in.readLong();
            case INT:
                return in.readInt();
            case DECIMAL:
                {
                    int scale = in.readInt();
                    byte[] unscaled = new byte[in.readInt()];
                    in.readFully(unscaled);
                    return new BigDecimal(new BigInteger(unscaled), scale);
                }
            case DOUBLE:
                return in.readDouble();
            case BOOLEAN:
                return in.readBoolean();
            case TIMESTAMP:
                return LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
            case DATE:
                return LocalDate.ofEpochDay(in.readLong());
            case BYTES:
                {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    return b;
                }
            default:
                throw new IOException("Corrupt change record: unknown value tag " + tag);
        }
    }

    private static void writeString(String s, DataOutputView out) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeRecordSerializer;
    }

    @Override
    public int hashCode() {
        return ChangeRecordSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ChangeRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer from a checkpoint (it has no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ChangeRecord> {
        public Snapshot() {
            super(ChangeRecordSerializer::new);
        }
    }
}
