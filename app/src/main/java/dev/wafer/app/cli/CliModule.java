package dev.wafer.app.cli;

import com.google.inject.AbstractModule;
import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.CpuGemmComparison;
import dev.wafer.app.backend.GemmComparison;
import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.app.cluster.Cluster;

/** What commands need besides the backend: the catalogue of all backends, and the cluster this process is part of. */
final class CliModule extends AbstractModule {
    private final BackendCatalog catalog;
    private final Cluster cluster;
    private final MemoryBudget memory;

    CliModule(BackendCatalog catalog, Cluster cluster) {
        this(catalog, cluster, MemoryBudget.heap());
    }

    CliModule(BackendCatalog catalog, Cluster cluster, MemoryBudget memory) {
        this.catalog = catalog;
        this.cluster = cluster;
        this.memory = memory;
    }

    @Override
    protected void configure() {
        bind(BackendCatalog.class).toInstance(catalog);
        bind(Cluster.class).toInstance(cluster);
        bind(MemoryBudget.class).toInstance(memory);
        bind(GemmComparison.class).to(CpuGemmComparison.class);
    }
}
