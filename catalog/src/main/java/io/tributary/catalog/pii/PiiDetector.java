package io.tributary.catalog.pii;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text, as Glue's Detect PII does for its common entity types: email
 * addresses, phone numbers, credit card numbers (with their Luhn check digit), IBANs (with their
 * mod-97 check), IP addresses (v4 and v6) and US social security numbers. {@link #classify} says
 * what a whole value is; {@link #mask} replaces every one found inside a text (a quarantined line,
 * a reason) by its type in brackets, so what prints it never shows the value.
 */
public final class PiiDetector {

    /** The kinds of personal data found. */
    public enum PiiType {
        EMAIL,
        CREDIT_CARD,
        IBAN,
        US_SSN,
        IP_ADDRESS,
        PHONE
    }

    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern CARD =
            Pattern.compile("(?<![\\d.])\\d(?:[ -]?\\d){12,18}(?![\\d.])");
    private static final Pattern IBAN =
            Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b");
    private static final Pattern SSN =
            Pattern.compile(
                    "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])");
    private static final Pattern IPV4 =
            Pattern.compile(
                    "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
                            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\d.])");
    private static final Pattern IPV6 =
            Pattern.compile(
                    "(?<![0-9A-Fa-f:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]{2,39}(?![0-9A-Fa-f:])");

    /** International (+ and 8 to 15 digits) or North American (555-123-4567) numbers. */
    private static final Pattern PHONE =
            Pattern.compile(
                    "(?<![\\w+])(?:\\+\\d(?:[ .()-]{0,2}\\d){7,14}"
                            + "|\\(?\\d{3}\\)?[ .-]\\d{3}[ .-]\\d{4})(?![\\w])");

    private PiiDetector() {}

    /** What {@code value} as a whole is, if personal data of a known kind. */
    public static Optional<PiiType> classify(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        for (PiiType t : PiiType.values()) {
            for (Matcher m = pattern(t).matcher(v); m.find(); ) {
                if (m.start() == 0 && m.end() == v.length() && valid(t, m.group())) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code text} with every piece of personal data found replaced by {@code [TYPE]}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (PiiType t : PiiType.values()) {
            out = replace(out, t);
        }
        return out;
    }

    private static String replace(String text, PiiType t) {
        Matcher m = pattern(t).matcher(text);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            if (!valid(t, m.group())) {
                continue;
            }
            sb.append(text, last, m.start()).append('[').append(t.name()).append(']');
            last = m.end();
        }
        return last == 0 ? text : sb.append(text, last, text.length()).toString();
    }

    private static Pattern pattern(PiiType t) {
        return switch (t) {
            case EMAIL -> EMAIL;
            case CREDIT_CARD -> CARD;
            case IBAN -> IBAN;
            case US_SSN -> SSN;
            case IP_ADDRESS -> IPV4_OR_6;
            case PHONE -> PHONE;
        };
    }

    private static final Pattern IPV4_OR_6 = Pattern.compile(IPV4.pattern() + "|" + IPV6.pattern());

    private static boolean valid(PiiType t, String found) {
        return switch (t) {
            case CREDIT_CARD -> card(found.replaceAll("[ -]", ""));
            case IBAN -> iban(found.replace(" ", ""));
            case IP_ADDRESS -> !found.contains(":") || ipv6(found);
            default -> true;
        };
    }

    /**
     * A card number: a card network's prefix (Visa 4, Mastercard 51-55 and 22-27, American Express
     * 34 and 37, Diners 30, 36 and 38, JCB 35, Discover 6) and a valid Luhn digit. The prefix keeps
     * long ids and epoch milliseconds (17...) apart, a tenth of which pass the Luhn check.
     */
    static boolean card(String digits) {
        return digits.matches("(?:4|5[1-5]|2[2-7]|3[0478]|35|36|6)\\d+") && luhn(digits);
    }

    /** The Luhn check of a card number: the last digit checks the others. */
    static boolean luhn(String digits) {
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616: the country and check digits moved to the end, letters as numbers, mod 97 = 1. */
    static boolean iban(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        StringBuilder digits = new StringBuilder();
        for (char c : moved.toUpperCase(Locale.ROOT).toCharArray()) {
            digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    private static boolean ipv6(String s) {
        if (s.chars().filter(c -> c == ':').count() < 2) {
            return false;
        }
        try {
            // a literal with ':' is parsed, never resolved
            return InetAddress.getByName("[" + s + "]").getAddress().length == 16;
        } catch (Exception e) {
            return false;
        }
    }

    /** The kinds found in {@code text}, in order, for tests and reports. */
    public static List<PiiType> found(String text) {
        List<PiiType> out = new ArrayList<>();
        for (PiiType t : PiiType.values()) {
            Matcher m = pattern(t).matcher(text);
            while (m.find()) {
                if (valid(t, m.group())) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
