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

    /** The WITH clause with secrets shown as {@code ******}, for plans a user reads. */
    static String redacted(String statement, Map<String, String> options) {
        String out = statement;
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (isSecret(e.getKey()) && !e.getValue().isEmpty()) {
                out =
                        out.replace(
                                literal(e.getKey()) + " = " + literal(e.getValue()),
                                literal(e.getKey()) + " = '******'");
            }
        }
        return out;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas");
    }
}
