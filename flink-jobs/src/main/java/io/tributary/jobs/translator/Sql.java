package io.tributary.jobs.translator;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Quoting for the Flink SQL the translator writes: identifiers in backticks, literals in quotes.
 */
final class Sql {

    private Sql() {}

    static String id(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String with(Map<String, String> options) {
        return options.entrySet().stream()
                .map(e -> "  " + literal(e.getKey()) + " = " + literal(e.getValue()))
                .collect(Collectors.joining(",\n", "WITH (\n", "\n)"));
    }

    /**
     * {@code text} with the values of secret options shown as {@code ******}, wherever they appear:
     * in our WITH clauses and in Flink's errors, which list a table's options as {@code
     * 'password'='...'}.
     */
    static String redacted(String text, Map<String, String> options) {
        String out = text;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue();
            if (isSecret(e.getKey()) && !v.isEmpty()) {
                out = out.replace(literal(v), "'******'");
                if (v.length() >= 4) {
                    out = out.replace(v, "******");
                }
            }
        }
        return out;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas");
    }
}
