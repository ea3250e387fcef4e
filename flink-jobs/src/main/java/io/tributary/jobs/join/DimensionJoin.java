package io.tributary.jobs.join;

import io.tributary.connectors.changes.DimensionChanges;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.conversion.DataStructureConverter;
import org.apache.flink.table.data.conversion.DataStructureConverters;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.flink.types.Row;

/**
 * A transform's join whose state is the dimension only ({@code join-state: dimension}): the
 * transform's own SQL, with its {@code FROM facts JOIN dim ON facts.k = dim.k} replaced by the rows
 * of a {@link DimensionJoinFunction} unnested back into the two aliases, so its select list runs as
 * the user wrote it, over a join that keeps one row per dimension key instead of one per fact.
 *
 * <pre>
 *   SELECT s.order_id, c.name AS customer_name, ...      (kept as written)
 *   FROM sales AS s JOIN customers AS c ON s.customer_id = c.id
 *     ⇒ FROM `joined` AS j CROSS JOIN UNNEST(j.__facts) AS s (...) CROSS JOIN UNNEST(j.__dim) AS c (...)
 * </pre>
 *
 * A dimension's change leaves the operator as a row of its own; the output's columns computed from
 * the dimension alone (found by the planner's column lineage) are what the warehouse and lake sinks
 * rewrite in the rows already loaded ({@code sink.dimension.*}). What this cannot serve is refused
 * with the reason, never planned differently behind the user's back: a WHERE, a GROUP BY, a column
 * mixing both sides, facts that change, a dimension not keyed by the join column.
 *
 * <p>Flink's parser and planner are reached through their public objects by reflection: {@code
 * flink-table-planner-loader} hides Calcite's classes, not its objects.
 */
public final class DimensionJoin {

    static final String FACTS = "__facts";
    static final String DIM = "__dim";
    static final String VERSION = "__version";
    static final String CHANGE = "__change";
    private static final String J = "__tributary_j";

    /**
     * What the analysis found.
     *
     * @param facts the facts' table or view, as written in the FROM
     * @param dimension the dimension's
     * @param factJoinColumn the facts' column of the join condition
     * @param dimJoinColumn the dimension's (its primary key)
     * @param keyColumn the output column holding the join key as the facts have it
     * @param dimensionColumns the output columns computed from the dimension alone
     * @param factColumns the output columns computed from the facts alone (or constants)
     * @param rewritten the transform's query over the operator's rows
     */
    public record Plan(
            String facts,
            String dimension,
            String factJoinColumn,
            String dimJoinColumn,
            String keyColumn,
            List<String> dimensionColumns,
            List<String> factColumns,
            String rewritten) {

        /** The sink options that let a warehouse or lake sink apply the dimension's changes. */
        public Map<String, String> sinkOptions(List<String> keys) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put(DimensionChanges.SINK_KEYS.key(), String.join(";", keys));
            o.put(DimensionChanges.DIMENSION_KEY_COLUMN.key(), keyColumn);
            o.put(DimensionChanges.DIMENSION_COLUMNS.key(), String.join(";", dimensionColumns));
            return o;
        }
    }

    /** A transform this join cannot serve, with the reason. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    private DimensionJoin() {}

    /**
     * Analyses {@code sql}; returns the plan whose {@link Plan#rewritten} query the transform's
     * view runs over view {@code joinedView}, which {@link #attach} declares (the operator's rows).
     *
     * @throws Refused when the query is not one this join serves
     */
    public static Plan plan(StreamTableEnvironment env, String sql, String joinedView) {
        Object select = parse(env, sql);
        String kind = select.getClass().getSimpleName();
        if (!kind.equals("SqlSelect")) {
            throw new Refused(
                    "the query must be one SELECT ... FROM facts JOIN dimension ON ...; this one"
                            + " is a "
                            + kind
                            + " (ORDER BY, LIMIT, UNION and VALUES are not served)");
        }
        for (String clause : List.of("getWhere", "getGroup", "getHaving", "getQualify")) {
            Object part = tryCall(select, clause);
            if (part != null) {
                throw new Refused(
                        "the query has a "
                                + clause.substring(3).toUpperCase(Locale.ROOT)
                                + " clause: a dimension's change could not say which loaded rows"
                                + " it keeps or drops. Filter in an earlier transform");
            }
        }
        if (Boolean.TRUE.equals(tryCall(select, "isDistinct"))) {
            throw new Refused("the query is SELECT DISTINCT");
        }
        Object windows = tryCall(select, "getWindowList");
        if (windows instanceof Collection<?> w && !w.isEmpty()) {
            throw new Refused("the query has a WINDOW clause");
        }
        Object join = call(select, "getFrom");
        if (!join.getClass().getSimpleName().equals("SqlJoin")) {
            throw new Refused("the query's FROM is not one JOIN of two tables");
        }
        if (!String.valueOf(call(join, "getJoinType")).equals("INNER")
                || Boolean.TRUE.equals(call(join, "isNatural"))
                || !String.valueOf(call(join, "getConditionType")).equals("ON")) {
            throw new Refused(
                    "the join must be an inner JOIN ... ON (this one is "
                            + call(join, "getJoinType")
                            + " "
                            + call(join, "getConditionType")
                            + ")");
        }
        FromItem left = fromItem(call(join, "getLeft"));
        FromItem right = fromItem(call(join, "getRight"));
        ResolvedSchema facts = env.from(left.path()).getResolvedSchema();
        ResolvedSchema dims = env.from(right.path()).getResolvedSchema();
        for (Object item : (Iterable<?>) call(select, "getSelectList")) {
            if (item.getClass().getSimpleName().equals("SqlIdentifier")
                    && Boolean.TRUE.equals(call(item, "isStar"))
                    && names(item).size() == 1) {
                throw new Refused(
                        "the select list has a bare *: name the columns of each side ("
                                + left.alias()
                                + ".*, "
                                + right.alias()
                                + ".name, ...)");
            }
        }

        Object condition = call(join, "getCondition");
        if (!String.valueOf(call(condition, "getKind")).equals("EQUALS")) {
            throw new Refused("the join's condition must be one equality of a column of each side");
        }
        List<?> operands = (List<?>) call(condition, "getOperandList");
        String[] a = side(operands.get(0), left, facts, right, dims);
        String[] b = side(operands.get(1), left, facts, right, dims);
        if (a == null || b == null || a[0].equals(b[0])) {
            throw new Refused(
                    "the join's condition must be one equality of a column of each side: "
                            + condition);
        }
        String factColumn = a[0].equals("facts") ? a[1] : b[1];
        String dimColumn = a[0].equals("facts") ? b[1] : a[1];
        List<String> pk = dims.getPrimaryKey().map(k -> k.getColumns()).orElse(List.of());
        if (!pk.equals(List.of(dimColumn))) {
            throw new Refused(
                    "the dimension "
                            + right.path()
                            + " must have the join column "
                            + dimColumn
                            + " as its primary key (it has "
                            + (pk.isEmpty() ? "none" : pk)
                            + "): one row per key is what the join keeps");
        }
        LogicalType factKeyType = type(facts, factColumn).copy(true);
        LogicalType dimKeyType = type(dims, dimColumn).copy(true);
        if (!factKeyType.equals(dimKeyType)) {
            throw new Refused(
                    "the join columns differ in type ("
                            + factColumn
                            + " "
                            + factKeyType
                            + ", "
                            + dimColumn
                            + " "
                            + dimKeyType
                            + "): cast one in an earlier transform");
        }
        String explained =
                env.explainSql("SELECT * FROM " + left.path(), ExplainDetail.CHANGELOG_MODE);
        if (!insertOnly(explained)) {
            throw new Refused(
                    "the facts ("
                            + left.path()
                            + ") change or are deleted: only facts that are only ever added"
                            + " (files, appends) leave the join nothing to retract");
        }

        int[] selectEnd = end(call(call(select, "getSelectList"), "getParserPosition"));
        int[] fromStart = start(call(call(join, "getLeft"), "getParserPosition"));
        int[] fromEnd = end(call(condition, "getParserPosition"));
        int selectEndAt = offset(sql, selectEnd[0], selectEnd[1]) + 1;
        int fromAt = offset(sql, fromStart[0], fromStart[1]);
        int fromEndAt = offset(sql, fromEnd[0], fromEnd[1]) + 1;
        String conditionText =
                sql.substring(
                        offset(
                                sql,
                                start(call(condition, "getParserPosition"))[0],
                                start(call(condition, "getParserPosition"))[1]),
                        fromEndAt);

        Lineage lineage =
                lineage(
                        env,
                        sql,
                        fromAt,
                        fromEndAt,
                        left,
                        facts,
                        right,
                        dims,
                        conditionText,
                        factColumn);
        String keyColumn = lineage.keyColumns.stream().findFirst().orElse(null);
        if (keyColumn == null) {
            throw new Refused(
                    "the output has no column that is the facts' "
                            + factColumn
                            + " as it is: add it to the select list; the warehouse finds a"
                            + " dimension's rows by it");
        }
        if (!lineage.mixed.isEmpty()) {
            throw new Refused(
                    "column"
                            + (lineage.mixed.size() > 1 ? "s " : " ")
                            + String.join(", ", lineage.mixed)
                            + " mix both sides: a dimension's change could not recompute"
                            + " them without the facts. Compute them in a later transform");
        }

        String j = "`" + J + "`";
        String from =
                "`"
                        + joinedView
                        + "` AS "
                        + j
                        + " CROSS JOIN UNNEST("
                        + j
                        + ".`"
                        + FACTS
                        + "`) AS "
                        + quote(left.alias())
                        + " ("
                        + columnList(facts)
                        + ") CROSS JOIN UNNEST("
                        + j
                        + ".`"
                        + DIM
                        + "`) AS "
                        + quote(right.alias())
                        + " ("
                        + columnList(dims)
                        + ")";
        String hidden =
                ", "
                        + j
                        + ".`"
                        + VERSION
                        + "` AS `"
                        + DimensionChanges.VERSION_COLUMN
                        + "`, "
                        + j
                        + ".`"
                        + CHANGE
                        + "` AS `"
                        + DimensionChanges.CHANGE_COLUMN
                        + "`";
        String rewritten =
                sql.substring(0, selectEndAt)
                        + hidden
                        + sql.substring(selectEndAt, fromAt)
                        + from
                        + sql.substring(fromEndAt);
        return new Plan(
                left.path(),
                right.path(),
                factColumn,
                dimColumn,
                keyColumn,
                lineage.dimension,
                lineage.facts,
                rewritten);
    }

    /**
     * Declares {@code joinedView}: the facts and the dimension of {@code plan}, keyed by the join
     * column, through a {@link DimensionJoinFunction}, in Flink's internal rows throughout.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void attach(
            StreamTableEnvironment env, Plan plan, String joinedView, String uid) {
        ResolvedSchema facts = env.from(plan.facts()).getResolvedSchema();
        ResolvedSchema dims = env.from(plan.dimension()).getResolvedSchema();
        DataType factRow = row(facts);
        DataType dimRow = row(dims);
        RowType factType = (RowType) factRow.getLogicalType();
        RowType dimType = (RowType) dimRow.getLogicalType();
        int factKey = facts.getColumnNames().indexOf(plan.factJoinColumn());
        int dimKey = dims.getColumnNames().indexOf(plan.dimJoinColumn());
        TypeInformation keyInfo = InternalTypeInfo.of(factType.getTypeAt(factKey));
        // the facts as the planner holds them: no conversion to Java objects and back
        DataStream<RowData> internal =
                env.toDataStream(env.from(plan.facts()), factRow.bridgedTo(RowData.class));
        DataStream<RowData> factStream =
                internal
                        // an inner join: a fact without a key meets no dimension row
                        .filter(r -> !r.isNullAt(factKey))
                        .name("facts with a join key")
                        .uid(uid + "-facts");
        // the dimension's changelog (few rows): converted once, here
        DataStream<RowData> dimStream =
                env.toChangelogStream(env.from(plan.dimension()))
                        .filter(r -> r.getField(dimKey) != null)
                        .name("dimension rows with a key")
                        .uid(uid + "-dimension")
                        .map(new ToInternal(dimRow))
                        .returns(InternalTypeInfo.of(dimType))
                        .name("dimension rows as internal rows")
                        .uid(uid + "-dimension-internal");
        RowType outType =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD(FACTS, DataTypes.ARRAY(factRow)),
                                        DataTypes.FIELD(DIM, DataTypes.ARRAY(dimRow)),
                                        DataTypes.FIELD(VERSION, DataTypes.BIGINT()),
                                        DataTypes.FIELD(CHANGE, DataTypes.BOOLEAN()))
                                .getLogicalType();
        DataStream<RowData> joined =
                factStream
                        .keyBy(new FieldKey(factType, factKey), keyInfo)
                        .connect(dimStream.keyBy(new FieldKey(dimType, dimKey), keyInfo))
                        .process(
                                new DimensionJoinFunction(factType, factKey, dimType),
                                InternalTypeInfo.of(outType))
                        .name(
                                DimensionChanges.JOIN_NAME
                                        + ": "
                                        + plan.facts()
                                        + " with "
                                        + plan.dimension()
                                        + " by "
                                        + plan.dimJoinColumn())
                        .uid(uid);
        env.createTemporaryView("`" + joinedView + "`", env.fromDataStream(joined));
    }

    /**
     * Declares view {@code name} as the rows of view {@code selected} (the transform's select over
     * the join's rows), computed once. Each sink reads the transform with a filter of its own (a
     * row with its keys, a row without them to the quarantine), and the planner pushes each filter
     * down into its own copy of the select: without this boundary every row went through the two
     * UNNESTs and the select list once per sink. Rows stay internal ({@link RowData}) across it.
     */
    public static void computeOnce(StreamTableEnvironment env, String selected, String name) {
        Table select = env.from(quote(selected));
        DataType type = select.getResolvedSchema().toPhysicalRowDataType();
        DataStream<RowData> rows = env.toDataStream(select, type.bridgedTo(RowData.class));
        env.createTemporaryView(quote(name), env.fromDataStream(rows));
    }

    /** A row's field as its key, as the planner holds it (both sides give the same objects). */
    private static final class FieldKey implements KeySelector<RowData, Object> {
        private static final long serialVersionUID = 1L;
        private final RowData.FieldGetter getter;

        FieldKey(RowType type, int position) {
            this.getter = RowData.createFieldGetter(type.getTypeAt(position), position);
        }

        @Override
        public Object getKey(RowData row) {
            return getter.getFieldOrNull(row);
        }
    }

    /** A changelog row of the table bridge as an internal row, its kind kept. */
    private static final class ToInternal extends RichMapFunction<Row, RowData> {
        private static final long serialVersionUID = 1L;
        private final DataType type;
        private transient DataStructureConverter<Object, Object> converter;

        ToInternal(DataType type) {
            this.type = type;
        }

        @Override
        public void open(Configuration parameters) {
            converter = DataStructureConverters.getConverter(type);
            converter.open(getRuntimeContext().getUserCodeClassLoader());
        }

        @Override
        public RowData map(Row row) {
            return (RowData) converter.toInternal(row);
        }
    }

    /** The columns of a schema as a ROW, every field nullable, time attributes dropped. */
    static DataType row(ResolvedSchema schema) {
        List<DataTypes.Field> fields = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            fields.add(DataTypes.FIELD(c.getName(), plain(c.getDataType())));
        }
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }

    private static DataType plain(DataType type) {
        LogicalType t = type.getLogicalType();
        if (t instanceof TimestampType ts) {
            t = new TimestampType(true, ts.getPrecision());
        } else if (t instanceof LocalZonedTimestampType lz) {
            t = new LocalZonedTimestampType(true, lz.getPrecision());
        } else {
            t = t.copy(true);
        }
        return TypeConversions.fromLogicalToDataType(t);
    }

    private static String columnList(ResolvedSchema schema) {
        return schema.getColumnNames().stream()
                .map(DimensionJoin::quote)
                .collect(Collectors.joining(", "));
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static LogicalType type(ResolvedSchema schema, String column) {
        return schema.getColumn(column).orElseThrow().getDataType().getLogicalType();
    }

    /** Whether the optimized plan's top node produces inserts only. */
    static boolean insertOnly(String explained) {
        int at = explained.indexOf("== Optimized Physical Plan ==");
        if (at < 0) {
            return false;
        }
        String[] lines = explained.substring(at).split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                return lines[i].contains("changelogMode=[I]");
            }
        }
        return false;
    }

    /** A table or view of the FROM and its alias (the table's name when it has none). */
    private record FromItem(String path, String alias) {}

    private static FromItem fromItem(Object node) {
        String kind = String.valueOf(call(node, "getKind"));
        if (kind.equals("AS")) {
            List<?> ops = (List<?>) call(node, "getOperandList");
            Object table = ops.get(0);
            if (!String.valueOf(call(table, "getKind")).equals("IDENTIFIER")) {
                throw new Refused("each side of the join must be a table or view, not " + table);
            }
            return new FromItem(path(names(table)), names(ops.get(1)).get(0));
        }
        if (kind.equals("IDENTIFIER")) {
            List<String> names = names(node);
            return new FromItem(path(names), names.get(names.size() - 1));
        }
        throw new Refused("each side of the join must be a table or view, not " + node);
    }

    private static String path(List<String> names) {
        return names.stream().map(DimensionJoin::quote).collect(Collectors.joining("."));
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Object identifier) {
        return List.copyOf((List<String>) field(identifier, "names"));
    }

    /** {"facts"|"dim", column} for an identifier of the condition, or null. */
    private static String[] side(
            Object operand,
            FromItem left,
            ResolvedSchema facts,
            FromItem right,
            ResolvedSchema dims) {
        if (!String.valueOf(call(operand, "getKind")).equals("IDENTIFIER")) {
            return null;
        }
        List<String> n = names(operand);
        if (n.size() == 2) {
            if (n.get(0).equals(left.alias()) && facts.getColumn(n.get(1)).isPresent()) {
                return new String[] {"facts", n.get(1)};
            }
            if (n.get(0).equals(right.alias()) && dims.getColumn(n.get(1)).isPresent()) {
                return new String[] {"dim", n.get(1)};
            }
            return null;
        }
        if (n.size() == 1) {
            boolean inFacts = facts.getColumn(n.get(0)).isPresent();
            boolean inDims = dims.getColumn(n.get(0)).isPresent();
            if (inFacts != inDims) {
                return new String[] {inFacts ? "facts" : "dim", n.get(0)};
            }
        }
        return null;
    }

    /** The output columns by where they come from. */
    private static final class Lineage {
        final List<String> dimension = new ArrayList<>();
        final List<String> facts = new ArrayList<>();
        final List<String> mixed = new ArrayList<>();
        final Set<String> keyColumns = new LinkedHashSet<>();
    }

    /**
     * Which output columns come from which side: the query planned over two stand-in tables of the
     * same columns (a view's columns would trace to the tables under it), asked for each column's
     * origins through the planner's metadata.
     */
    private static Lineage lineage(
            StreamTableEnvironment env,
            String sql,
            int fromAt,
            int fromEndAt,
            FromItem left,
            ResolvedSchema facts,
            FromItem right,
            ResolvedSchema dims,
            String condition,
            String factColumn) {
        String f = "__tributary_lineage_facts";
        String d = "__tributary_lineage_dim";
        env.createTemporaryTable(f, standIn(facts));
        env.createTemporaryTable(d, standIn(dims));
        try {
            String probe =
                    sql.substring(0, fromAt)
                            + quote(f)
                            + " AS "
                            + quote(left.alias())
                            + " JOIN "
                            + quote(d)
                            + " AS "
                            + quote(right.alias())
                            + " ON "
                            + condition
                            + sql.substring(fromEndAt);
            Table t = env.sqlQuery(probe);
            QueryOperation op = t.getQueryOperation();
            Object rel = call(op, "getCalciteTree");
            Object mq = call(call(rel, "getCluster"), "getMetadataQuery");
            Lineage out = new Lineage();
            List<String> names = t.getResolvedSchema().getColumnNames();
            for (int i = 0; i < names.size(); i++) {
                Set<?> origins = (Set<?>) call(mq, "getColumnOrigins", rel, i);
                boolean fromFacts = false;
                boolean fromDim = false;
                boolean key = false;
                if (origins == null) {
                    // the planner could not trace it: counted as both, so it is refused
                    fromFacts = true;
                    fromDim = true;
                } else {
                    for (Object o : origins) {
                        List<?> table =
                                (List<?>) call(call(o, "getOriginTable"), "getQualifiedName");
                        String name = String.valueOf(table.get(table.size() - 1));
                        int column = (Integer) call(o, "getOriginColumnOrdinal");
                        if (name.equals(f)) {
                            fromFacts = true;
                            key =
                                    origins.size() == 1
                                            && !Boolean.TRUE.equals(call(o, "isDerived"))
                                            && facts.getColumnNames()
                                                    .get(column)
                                                    .equals(factColumn);
                        } else {
                            fromDim = true;
                        }
                    }
                }
                if (fromFacts && fromDim) {
                    out.mixed.add(names.get(i));
                } else if (fromDim) {
                    out.dimension.add(names.get(i));
                } else {
                    out.facts.add(names.get(i));
                }
                if (key) {
                    out.keyColumns.add(names.get(i));
                }
            }
            return out;
        } finally {
            env.dropTemporaryTable(f);
            env.dropTemporaryTable(d);
        }
    }

    private static TableDescriptor standIn(ResolvedSchema schema) {
        Schema.Builder b = Schema.newBuilder();
        for (Column c : schema.getColumns()) {
            b.column(c.getName(), plain(c.getDataType()));
        }
        return TableDescriptor.forConnector("datagen").schema(b.build()).build();
    }

    /** Flink's own SQL parser's tree of {@code sql} (Calcite's {@code SqlNode}). */
    private static Object parse(StreamTableEnvironment env, String sql) {
        Object parser = ((TableEnvironmentImpl) env).getParser();
        Object calcite = ((Supplier<?>) field(parser, "calciteParserSupplier")).get();
        try {
            return call(calcite, "parse", sql);
        } catch (RuntimeException e) {
            throw new Refused("the query does not parse: " + e.getMessage());
        }
    }

    /** 1-based line and column of a parser position's start. */
    private static int[] start(Object pos) {
        return new int[] {(Integer) call(pos, "getLineNum"), (Integer) call(pos, "getColumnNum")};
    }

    private static int[] end(Object pos) {
        return new int[] {
            (Integer) call(pos, "getEndLineNum"), (Integer) call(pos, "getEndColumnNum")
        };
    }

    /** The offset in {@code text} of 1-based {@code line} and {@code column}. */
    static int offset(String text, int line, int column) {
        int at = 0;
        for (int l = 1; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
        }
        return at + column - 1;
    }

    private static Object call(Object target, String method, Object... args) {
        return invoke(target, method, args, true);
    }

    private static Object tryCall(Object target, String method) {
        return invoke(target, method, new Object[0], false);
    }

    private static Object invoke(Object target, String method, Object[] args, boolean required) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Method m : c.getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    try {
                        m.setAccessible(true);
                        return m.invoke(target, args);
                    } catch (ReflectiveOperationException e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof RuntimeException re) {
                            throw re;
                        }
                        throw new IllegalStateException(cause);
                    }
                }
            }
        }
        if (required) {
            throw new IllegalStateException(
                    "Flink's planner changed: no " + method + " on " + target.getClass());
        }
        return null;
    }

    private static Object field(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // the superclass may have it
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(
                "Flink's planner changed: no field " + name + " on " + target.getClass());
    }
}
