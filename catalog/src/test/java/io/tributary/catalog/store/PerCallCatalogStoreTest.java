package io.tributary.catalog.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store that connects per call (what the lake's Flink operators use) passes the store contract
 * too, on the embedded database.
 */
class PerCallCatalogStoreTest extends CatalogStoreContract {

    @TempDir Path dir;

    @Override
    protected CatalogStore newStore() {
        return CatalogStores.openPerCall(dir.toString(), null, null);
    }

    @Override
    protected CatalogStore reopen() {
        return CatalogStores.openPerCall(dir.toString(), null, null);
    }
}
