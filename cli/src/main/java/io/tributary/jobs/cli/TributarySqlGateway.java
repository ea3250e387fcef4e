package io.tributary.jobs.cli;

import java.util.List;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.table.gateway.SqlGateway;
import org.apache.flink.table.gateway.api.operation.OperationHandle;
import org.apache.flink.table.gateway.api.session.SessionEnvironment;
import org.apache.flink.table.gateway.api.session.SessionHandle;
import org.apache.flink.table.gateway.cli.SqlGatewayOptions;
import org.apache.flink.table.gateway.cli.SqlGatewayOptionsParser;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.session.Session;
import org.apache.flink.table.gateway.service.session.SessionManager;

/**
 * Flink's SQL Gateway whose sessions start in the Tributary catalog, as {@code tributary sql}'s
 * client does: a REST client's {@code SELECT … FROM retail.sales} works without {@code USE CATALOG}
 * first. A session that names its own default catalog keeps it. Started by {@code tributary sql
 * --gateway} with the gateway's own {@code -Dkey=value} arguments.
 */
public final class TributarySqlGateway {

    /** The name {@code tributary sql} registers the catalog under. */
    static final String CATALOG = "tributary";

    private TributarySqlGateway() {}

    public static void main(String[] args) throws Exception {
        SqlGatewayOptions options = SqlGatewayOptionsParser.parseSqlGatewayOptions(args);
        DefaultContext context =
                DefaultContext.load(
                        ConfigurationUtils.createConfiguration(options.getDynamicConfigs()),
                        List.of(),
                        true);
        SqlGateway gateway =
                new SqlGateway(
                        context.getFlinkConfig(),
                        new InCatalog(SessionManager.create(context), CATALOG));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop, "sql-gateway-stop"));
        gateway.start();
        gateway.waitUntilStop();
    }

    /** Opens every session with {@code catalog} as its default catalog unless it names one. */
    static final class InCatalog implements SessionManager {
        private final SessionManager delegate;
        private final String catalog;

        InCatalog(SessionManager delegate, String catalog) {
            this.delegate = delegate;
            this.catalog = catalog;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public void stop() {
            delegate.stop();
        }

        @Override
        public Session getSession(SessionHandle handle) {
            return delegate.getSession(handle);
        }

        @Override
        public Session openSession(SessionEnvironment environment) {
            Session session = delegate.openSession(environment);
            if (environment.getDefaultCatalog().isEmpty()) {
                // the catalog comes from the catalog store (the session builds it): use it as
                // a client's USE CATALOG would
                session.createExecutor()
                        .configureSession(
                                OperationHandle.create(), "USE CATALOG `" + catalog + "`");
            }
            return session;
        }

        @Override
        public void closeSession(SessionHandle handle) {
            delegate.closeSession(handle);
        }
    }
}
