package io.tributary.jobs.definition;

import io.tributary.jobs.quality.DqRule;
import io.tributary.jobs.quality.Dqdl;
import io.tributary.jobs.quality.DqdlException;
import io.tributary.jobs.quality.WindowRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code quality:} and {@code pii:} blocks a transform or sink may carry; a DQDL error is
 * a {@link PipelineException} at the rule's own line in the pipeline file.
 */
final class GuardParser {

    private static final Set<String> QUALITY = Set.of("action", "rules", "gate", "max-held-rows");
    private static final Set<String> PII = Set.of("salt", "columns", "tags");
    private static final Set<String> PII_COLUMN = Set.of("action", "keep");
    private static final String[] ACTIONS = {"redact", "partial-redact", "sha256", "drop"};

    private GuardParser() {}

    static QualityDef quality(YamlNode element) {
        Optional<YamlNode> maybe = element.map("quality");
        if (maybe.isEmpty()) {
            return null;
        }
        YamlNode q = maybe.get();
        q.onlyKeys(QUALITY);
        String action = q.oneOf("action", "quarantine", "quarantine", "flag", "fail");
        String text = q.required("rules");
        int line = q.valueLine("rules");
        String gate = q.oneOf("gate", "record", "record", "hold", "quarantine");
        int maxHeld = q.integer("max-held-rows", 1_000_000, 1);
        QualityDef def = new QualityDef(action, text, List.of(), q.at(), line, gate, maxHeld);
        List<DqRule> rules;
        try {
            rules = Dqdl.parse(text);
        } catch (DqdlException e) {
            throw new PipelineException(def.ruleAt(e.line()), e.getMessage());
        }
        for (DqRule r : rules) {
            try {
                if (r.level() == DqRule.Level.DATASET) {
                    WindowRules.measure(r);
                }
            } catch (DqdlException e) {
                throw new PipelineException(
                        def.ruleAt(r.line()),
                        e.getMessage()
                                + ": over a window it measures RowCount, Completeness, Uniqueness,"
                                + " IsUnique, IsPrimaryKey, Mean, Sum, StandardDeviation and"
                                + " ColumnValues / ColumnLength with threshold; a composite rule"
                                + " joins rules decided per record");
            }
        }
        if (!gate.equals("record")) {
            if (action.equals("fail")) {
                throw new PipelineException(
                        q.keyAt("gate"),
                        "goes with action quarantine or flag: with action fail a record that fails"
                                + " a rule stops the job before any window closes");
            }
            if (rules.stream()
                    .noneMatch(r -> r.level() == DqRule.Level.DATASET && r.over() == null)) {
                throw new PipelineException(
                        q.keyAt("gate"),
                        "needs a window rule (RowCount, Completeness, Uniqueness, Mean, ...) over"
                                + " the checkpoint's window: a gate holds a window's rows back"
                                + " when one of those fails");
            }
        }
        return new QualityDef(action, text, rules, q.at(), line, gate, maxHeld);
    }

    static PiiDef pii(YamlNode element) {
        Optional<YamlNode> maybe = element.map("pii");
        if (maybe.isEmpty()) {
            return null;
        }
        YamlNode p = maybe.get();
        p.onlyKeys(PII);
        Optional<YamlNode> cols = p.map("columns");
        Optional<YamlNode> tagged = p.map("tags");
        if (cols.isEmpty() && tagged.isEmpty()) {
            throw new PipelineException(
                    p.keyAt("columns"),
                    "is required, or tags: column: redact|partial-redact|sha256|drop, or tag"
                            + " (EMAIL, PHONE, CREDIT_CARD, IBAN, IP_ADDRESS, US_SSN): action");
        }
        Map<String, PiiDef.Action> columns = cols.isEmpty() ? Map.of() : actions(cols.get());
        Map<String, PiiDef.Action> tags = new LinkedHashMap<>();
        if (tagged.isPresent()) {
            actions(tagged.get())
                    .forEach(
                            (tag, a) -> {
                                var type = io.tributary.catalog.pii.PiiCounts.type(tag);
                                if (type.isEmpty()) {
                                    throw new PipelineException(
                                            a.at(),
                                            "'"
                                                    + tag
                                                    + "' is not a PII tag; the crawler tags"
                                                    + " columns EMAIL, PHONE, CREDIT_CARD, IBAN,"
                                                    + " IP_ADDRESS or US_SSN");
                                }
                                tags.put(type.get().name(), a);
                            });
        }
        String salt = p.string("salt").orElse(null);
        boolean hashes =
                java.util.stream.Stream.concat(columns.values().stream(), tags.values().stream())
                        .anyMatch(a -> a.action().equals("sha256"));
        if (hashes && (salt == null || salt.isBlank())) {
            throw new PipelineException(
                    p.keyAt("salt"),
                    "is required with sha256: a secret, e.g. salt: ${PII_SALT} (an environment"
                            + " variable), so hashes cannot be reversed by hashing guesses");
        }
        return new PiiDef(Map.copyOf(columns), Map.copyOf(tags), salt, p.at());
    }

    /** {@code name: action} or {@code name: {action: ..., keep: N}} entries of a map. */
    private static Map<String, PiiDef.Action> actions(YamlNode c) {
        Map<String, PiiDef.Action> out = new LinkedHashMap<>();
        for (String column : c.keys()) {
            Optional<YamlNode> detailed = c.mapOrNothing(column);
            PiiDef.Action a;
            if (detailed.isPresent()) {
                YamlNode d = detailed.get();
                d.onlyKeys(PII_COLUMN);
                String action = d.oneOf("action", null, ACTIONS);
                if (action == null) {
                    throw new PipelineException(d.keyAt("action"), "is required");
                }
                a = new PiiDef.Action(action, d.integer("keep", 4, 0), d.at());
            } else {
                String action = c.oneOf(column, null, ACTIONS);
                a = new PiiDef.Action(action, 4, c.keyAt(column));
            }
            out.put(column, a);
        }
        return out;
    }
}
