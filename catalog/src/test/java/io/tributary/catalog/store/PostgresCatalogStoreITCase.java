package io.tributary.catalog.store;

import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.util.concurrent.atomic.AtomicInteger;

/** The store on a real PostgreSQL passes the same contract as the embedded one. */
class PostgresCatalogStoreITCase extends CatalogStoreContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private String url;

    @Override
    protected CatalogStore newStore() {
        PostgresService pg = SharedServices.postgres();
        url = pg.createDatabase("catalog_contract_" + DATABASES.incrementAndGet());
        return CatalogStores.jdbc(url, PostgresService.USER, null);
    }

    @Override
    protected CatalogStore reopen() {
        return CatalogStores.jdbc(url, PostgresService.USER, null);
    }
}
