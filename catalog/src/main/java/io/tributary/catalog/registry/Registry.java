package io.tributary.catalog.registry;

import java.util.List;
import java.util.Optional;

/**
 * What the catalog needs from a schema registry, served in-process ({@link SchemaRegistry}) or over
 * the Confluent REST API ({@link SchemaRegistryClient}): the crawler and the catalog do not care
 * which.
 */
public interface Registry {

    /** Registers an Avro schema under {@code subject}; refused with a 409 when incompatible. */
    int register(String subject, String schema);

    /**
     * The version of {@code subject} holding {@code schema}, if it is registered there; a 404
     * {@link RegistryException} when the subject is unknown.
     */
    Optional<SchemaRegistry.Version> lookup(String subject, String schema);

    /** The live versions of {@code subject}, oldest first; a 404 when the subject is unknown. */
    List<Integer> versions(String subject);

    /** One version ({@code "latest"} or a number). */
    SchemaRegistry.Version version(String subject, String version);
}
