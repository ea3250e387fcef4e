package io.tributary.connectors.cdc;

import io.tributary.catalog.model.AvroTypes;
import io.tributary.catalog.registry.Registry;
import io.tributary.catalog.registry.RegistryException;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each captured table's schema in the registry: the first shape of a table seen by a reader,
 * and every change after it, is looked up or registered under the table's subject ({@code
 * <catalog-db>.<table>-value}, the subject the JDBC crawler registers), and the shape handed on
 * carries the version. The registry is the memory: a restarted reader finds the versions there and
 * a schema that changed while the job was down is still a change. A change emits a {@link
 * ChangeOp#SCHEMA} record before the first row with the new columns.
 */
final class SchemaTracker implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SchemaTracker.class);

    private final String registryUrl;
    private final String catalogDatabase;
    private final SchemaPolicy policy;

    private transient Registry registry;
    private transient Map<SourceTable, RowShape> current;

    /**
     * @param registryUrl the registry's REST URL; null to leave versions at 0 and register nothing
     * @param catalogDatabase the catalog database of the tables; null for the source database
     */
    SchemaTracker(String registryUrl, String catalogDatabase, SchemaPolicy policy) {
        this.registryUrl = registryUrl;
        this.catalogDatabase = catalogDatabase;
        this.policy = policy;
    }

    /** For tests and embedded use: a registry object instead of a URL. */
    SchemaTracker withRegistry(Registry r) {
        this.registry = r;
        return this;
    }

    String subject(SourceTable t) {
        return t.subject(catalogDatabase);
    }

    /**
     * The registered form of {@code shape}; when it is new for its table, registers it and passes a
     * schema-change event to {@code events} first.
     */
    RowShape resolve(RowShape shape, Consumer<ChangeRecord> events, String position, long at) {
        if (current == null) {
            current = new HashMap<>();
        }
        RowShape known = current.get(shape.table());
        if (known != null && known.sameColumns(shape)) {
            return known;
        }
        RowShape registered = register(shape, known);
        current.put(shape.table(), registered);
        events.accept(
                ChangeRecord.schemaChange(
                        registered, registered.describeChangeFrom(known), position, at));
        return registered;
    }

    private RowShape register(RowShape shape, RowShape known) {
        if (registryUrl == null && registry == null) {
            return shape;
        }
        if (registry == null) {
            registry = new SchemaRegistryClient(registryUrl);
        }
        String subject = subject(shape.table());
        String avro =
                AvroTypes.toAvro(shape.rowType(), namespace(shape.table()), shape.table().table())
                        .toString();
        Optional<SchemaRegistry.Version> found = lookup(subject, avro);
        Integer latest = latest(subject);
        if (found.isPresent() && latest != null && found.get().version() == latest) {
            return shape.withVersion(found.get().version());
        }
        if (latest != null && policy == SchemaPolicy.FAIL) {
            throw new SchemaChangeFailure(
                    "The schema of "
                            + shape.table()
                            + " changed and the pipeline's schema policy is 'fail': "
                            + shape.describeChangeFrom(known)
                            + ". Registry subject "
                            + subject
                            + " is at version "
                            + latest
                            + ". Set the policy to 'evolve' to accept changes.");
        }
        try {
            registry.register(subject, avro);
        } catch (RegistryException e) {
            if (e.status() != 409) {
                throw e;
            }
            String what =
                    "The schema registry refused the new schema of "
                            + shape.table()
                            + " ("
                            + shape.describeChangeFrom(known)
                            + ") under "
                            + subject
                            + ": "
                            + e.getMessage();
            if (policy == SchemaPolicy.LENIENT) {
                LOG.warn("{}. Policy 'lenient': its rows flow on unregistered (version 0).", what);
                return shape.withVersion(0);
            }
            throw new SchemaChangeFailure(
                    what
                            + ". Change the subject's compatibility level if the change is"
                            + " intended, or set the schema policy to 'lenient'.");
        }
        int version =
                lookup(subject, avro)
                        .map(SchemaRegistry.Version::version)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "The registry accepted a schema under "
                                                        + subject
                                                        + " but does not find it"));
        LOG.info(
                "{} is at schema version {} ({})",
                subject,
                version,
                shape.describeChangeFrom(known));
        return shape.withVersion(version);
    }

    private Optional<SchemaRegistry.Version> lookup(String subject, String avro) {
        try {
            return registry.lookup(subject, avro);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Integer latest(String subject) {
        try {
            List<Integer> versions = registry.versions(subject);
            return versions.isEmpty() ? null : versions.get(versions.size() - 1);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private String namespace(SourceTable t) {
        return catalogDatabase != null ? catalogDatabase : t.database();
    }

    /** A schema change the pipeline's policy does not accept. */
    static final class SchemaChangeFailure extends RuntimeException {
        SchemaChangeFailure(String message) {
            super(message);
        }
    }
}
