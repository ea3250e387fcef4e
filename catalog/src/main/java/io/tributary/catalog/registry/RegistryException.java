package io.tributary.catalog.registry;

import java.util.List;

/** A registry error with the HTTP status and Confluent error code a client expects. */
public final class RegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(String subject, String version) {
        return new RegistryException(
                404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryException schemaNotFound(String what) {
        return new RegistryException(404, 40403, "Schema " + what + " not found.");
    }

    static RegistryException invalidSchema(String why) {
        return new RegistryException(422, 42201, "Invalid schema: " + why);
    }

    static RegistryException incompatible(String subject, List<String> problems) {
        return new RegistryException(
                409,
                409,
                "Schema being registered is incompatible with an earlier schema for subject '"
                        + subject
                        + "': "
                        + String.join("; ", problems));
    }
}
