package io.tributary.catalog.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store (H2 files under a folder) passes the store contract. */
class H2CatalogStoreTest extends CatalogStoreContract {

    @TempDir Path dir;

    @Override
    protected CatalogStore newStore() {
        return CatalogStores.embedded(dir);
    }

    @Override
    protected CatalogStore reopen() {
        return CatalogStores.embedded(dir);
    }
}
