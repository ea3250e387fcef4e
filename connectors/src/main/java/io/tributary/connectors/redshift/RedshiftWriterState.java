package io.tributary.connectors.redshift;

/**
 * What a writer keeps in a checkpoint: the id of that checkpoint, so that after a restore its
 * staged batches are numbered above everything the restored committables hold.
 */
public record RedshiftWriterState(long checkpointId) {}
