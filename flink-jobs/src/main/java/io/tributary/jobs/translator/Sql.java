package io.tributary.jobs.translator;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Quoting for the Flink SQL the translator writes: identifiers in backticks, literals in quotes.
 */
public final class Sql {

    private Sql() {}

    public static String id(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Column {@code column} (an identifier, quoted) as {@code [TAG]} where it has a value, for what
     * a quarantine keeps of a column a crawler tagged as personal data: {@code CAST(CASE WHEN c IS
     * NULL THEN NULL ELSE '[EMAIL]' END AS STRING) AS c}.
     */
    static String taggedAs(String column, String tag) {
        return "CAST(CASE WHEN "
                + column
                + " IS NULL THEN NULL ELSE '["
                + tag.replaceAll("[^A-Z_]", "")
                + "]' END AS STRING) AS "
                + column;
    }

    public static String with(Map<String, String> options) {
        return options.entrySet().stream()
                .map(e -> "  " + literal(e.getKey()) + " = " + literal(e.getValue()))
                .collect(Collectors.joining(",\n", "WITH (\n", "\n)"));
    }

    /**
     * A statement with the values of its secret options as {@code '******'}, and nothing else
     * changed: the value of {@code 'password' = '...'} is masked, the same text elsewhere (a user
     * name, a connector name) is not, so a plan stays the SQL that ran.
     */
    static String masked(String statement, Map<String, String> secrets) {
        String out = statement;
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            String key = keyOf(e.getKey());
            out =
                    out.replace(
                            literal(key) + " = " + literal(e.getValue()),
                            literal(key) + " = '******'");
        }
        return out;
    }

    /**
     * An error message with secret values masked: as options ({@code 'password'='...'}, the way
     * Flink lists a table's options) and as whole words anywhere else (a driver quoting a value),
     * never inside a longer word ({@code tributary-cdc} stays when the password is {@code
     * tributary}).
     */
    static String redacted(String text, Map<String, String> secrets) {
        String out = masked(text, secrets);
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            String key = keyOf(e.getKey());
            String v = e.getValue();
            if (v.isEmpty()) {
                continue;
            }
            out = out.replace(literal(key) + "=" + literal(v), literal(key) + "='******'");
            if (v.length() >= 4) {
                out =
                        out.replaceAll(
                                "(?<![A-Za-z0-9_.-])" + Pattern.quote(v) + "(?![A-Za-z0-9_.-])",
                                "******");
            }
        }
        return out;
    }

    /** Secrets are kept as {@code key#n} (one entry per table that has the key). */
    private static String keyOf(String entry) {
        int hash = entry.lastIndexOf('#');
        return hash < 0 ? entry : entry.substring(0, hash);
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas");
    }
}
