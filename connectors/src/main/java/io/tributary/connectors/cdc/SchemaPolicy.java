package io.tributary.connectors.cdc;

import org.apache.flink.annotation.PublicEvolving;

/** What a pipeline does when a captured table's columns change while it runs. */
@PublicEvolving
public enum SchemaPolicy {
    /**
     * Register the new schema as a new version and carry on; a change the registry refuses as
     * incompatible stops the job with the registry's reason.
     */
    EVOLVE,
    /**
     * Like {@link #EVOLVE}, but a refused change is logged and counted, and the rows flow on with
     * their new columns, unregistered (version 0): nothing is dropped, consumers may fail on them.
     */
    LENIENT,
    /** Any change of an already registered table stops the job, naming the change. */
    FAIL
}
