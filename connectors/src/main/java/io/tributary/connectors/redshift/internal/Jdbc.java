package io.tributary.connectors.redshift.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.apache.flink.annotation.Internal;

/** Small JDBC helpers shared by the writer's stager and the committer. */
@Internal
public final class Jdbc {

    private Jdbc() {}

    /** Closes a connection that may already be broken; a failure to close changes nothing. */
    public static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // broken already: nothing left to release
        }
    }
}
