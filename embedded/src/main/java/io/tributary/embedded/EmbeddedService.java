package io.tributary.embedded;

import java.util.Map;

/**
 * A real service bound to 127.0.0.1 on a free port, started by tests and by the embedded default of
 * the CLI so that neither needs anything but a JDK.
 */
public interface EmbeddedService extends AutoCloseable {

    /** Short name used in logs, status output and data directory names ("postgres", "kafka"...). */
    String name();

    /**
     * How a client reaches the service: JDBC URLs, bootstrap servers, endpoints. Values are safe to
     * print: credentials of the embedded services are fixed local defaults, never user secrets.
     */
    Map<String, String> endpoints();

    /** Stops the service and every process it started. Idempotent. */
    @Override
    void close();
}
