package io.tributary.catalog.registry;

/** The Confluent Schema Registry's compatibility modes, checked before a version is accepted. */
public enum CompatibilityLevel {
    NONE,
    /** The new schema reads data written with the latest version. */
    BACKWARD,
    /** The new schema reads data written with every version. */
    BACKWARD_TRANSITIVE,
    /** The latest version reads data written with the new schema. */
    FORWARD,
    /** Every version reads data written with the new schema. */
    FORWARD_TRANSITIVE,
    /** BACKWARD and FORWARD against the latest version. */
    FULL,
    /** BACKWARD and FORWARD against every version. */
    FULL_TRANSITIVE;

    boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    boolean backward() {
        return this == BACKWARD
                || this == BACKWARD_TRANSITIVE
                || this == FULL
                || this == FULL_TRANSITIVE;
    }

    boolean forward() {
        return this == FORWARD
                || this == FORWARD_TRANSITIVE
                || this == FULL
                || this == FULL_TRANSITIVE;
    }
}
