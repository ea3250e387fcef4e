package io.tributary.catalog.store;

/** A catalog operation that cannot be done: a missing database or table, a store failure. */
public class CatalogException extends RuntimeException {

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
