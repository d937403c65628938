package dev.wafer.app.cli;

import com.google.inject.AbstractModule;
import dev.wafer.app.backend.BackendCatalog;

/** What commands need besides the backend: for now, the catalogue of all backends. */
final class CliModule extends AbstractModule {
    private final BackendCatalog catalog;

    CliModule(BackendCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected void configure() {
        bind(BackendCatalog.class).toInstance(catalog);
    }
}
