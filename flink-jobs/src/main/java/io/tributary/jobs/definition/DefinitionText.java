package io.tributary.jobs.definition;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline file's text as the catalog may keep it: the value of every secret key ({@code
 * password}, {@code secret-key}, {@code sasl-password}, a token...) written literally is masked,
 * and so is a password inside a URL; references ({@code ${env:NAME}}, {@code ${file:/path}}, {@code
 * ${var}}) are kept, so a definition that uses them stays runnable from the catalog. Everything
 * else is the text as written, comments and order included.
 */
public final class DefinitionText {

    public static final String MASK = "'******'";

    private static final Pattern KEY_LINE =
            Pattern.compile("^(\\s*(?:-\\s+)?)([\"']?)([A-Za-z0-9_.-]+)\\2(\\s*:[ \\t]*)(.*)$");
    private static final Pattern FLOW_ENTRY =
            Pattern.compile(
                    "([{,]\\s*[\"']?)([A-Za-z0-9_.-]+)([\"']?\\s*:\\s*)(\\$\\{[^}]*\\}[\"']?|[^,{}]+)");
    private static final Pattern REFERENCE = Pattern.compile("[\"']?\\$\\{[^}]+\\}[\"']?");
    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)([?&;](password|pwd|sslpassword)=)[^&;\\s'\"]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/@:\\s'\"]*):[^/@\\s'\"]*@");

    private DefinitionText() {}

    /** Whether a key's value is a secret. */
    public static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("sasl.jaas")
                || k.equals("credentials")
                || k.equals("salt"); // a pii block's sha256 salt
    }

    /** The text with its literal secrets masked. */
    public static String masked(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lines[i] = maskLine(lines[i]);
        }
        return String.join("\n", lines);
    }

    private static String maskLine(String line) {
        Matcher m = KEY_LINE.matcher(line);
        if (m.matches() && secretKey(m.group(3))) {
            String value = m.group(5).strip();
            String bare = value.replaceFirst("\\s+#.*$", "");
            if (!bare.isEmpty()
                    && !bare.equals("|")
                    && !bare.equals(">")
                    && !REFERENCE.matcher(bare).matches()) {
                return m.group(1) + m.group(2) + m.group(3) + m.group(2) + m.group(4) + MASK;
            }
        }
        // flow mappings: {user: app, password: x}
        Matcher f = FLOW_ENTRY.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (f.find()) {
            String value = f.group(4).strip();
            boolean mask = secretKey(f.group(2)) && !REFERENCE.matcher(value).matches();
            f.appendReplacement(
                    sb,
                    Matcher.quoteReplacement(
                            mask ? f.group(1) + f.group(2) + f.group(3) + MASK : f.group()));
        }
        f.appendTail(sb);
        String s = URL_PASSWORD.matcher(sb.toString()).replaceAll("$1******");
        return URL_USERINFO.matcher(s).replaceAll("$1:******@");
    }
}
