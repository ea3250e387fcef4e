package io.tributary.catalog.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A pipeline's definition as a run ran it, kept in the catalog (Glue keeps its job definitions
 * there): the pipeline file's text with literal secrets masked, its SHA-256, and a version number
 * that grows by one each time a run brings a text that differs from the latest one.
 *
 * @param file where the text came from (a path, or the stored definition it was run from)
 */
public record JobDefinition(
        String pipeline, int version, String hash, Instant stored, String file, String text) {

    public JobDefinition {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(text, "text");
        hash = hash == null ? sha256(text) : hash;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
