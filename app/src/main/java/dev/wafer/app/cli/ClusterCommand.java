package dev.wafer.app.cli;

import java.io.PrintWriter;

import dev.wafer.app.cluster.Cluster;
import dev.wafer.ports.backend.BackendAvailability;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wafer cluster}: the MPI library (its {@code MPI_Get_library_version}) and whether this process was launched
 * by mpirun; launched, it joins the job and rank 0 reports the rank count MPI sees. Exits 0 whatever it finds.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Show the MPI library and, under mpirun, the ranks of the job (for data-parallel training).")
final class ClusterCommand implements Runnable, BackendAgnostic, RankAware {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    Cluster cluster;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        BackendAvailability a = cluster.probe();
        if (!a.available() || cluster.launchedRanks().isEmpty()) {
            out.println("mpi  " + (a.available() ? "available" : "unavailable") + "  " + a.detail()
                    + (a.available() ? "" : ". " + a.remedy() + "."));
            out.flush();
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        Cluster.Ranks ranks = cluster.join(line -> {
            err.println("wafer: " + line);
            err.flush();
        });
        ranks.collective().barrier();
        if (ranks.lead()) {
            out.println("mpi  available  " + a.detail() + "; MPI_COMM_WORLD has " + ranks.collective().size()
                    + (ranks.collective().size() == 1 ? " rank" : " ranks"));
            out.flush();
        }
        ranks.finish();
    }
}
