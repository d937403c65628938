package dev.wafer.adapters.mpi;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Whether this process was started as one rank of a job: by Open MPI's {@code mpirun} (which sets
 * {@code OMPI_COMM_WORLD_SIZE} and {@code OMPI_COMM_WORLD_RANK}) or by Slurm's {@code srun --mpi=pmix} (which sets
 * {@code PMIX_RANK} and {@code SLURM_NTASKS}). Read from the environment only, so it costs nothing and loads nothing.
 */
public final class MpiLaunch {
    private MpiLaunch() {
    }

    /** The job's rank count, or empty when this process was not launched as part of an MPI job. */
    public static OptionalInt ranks(Map<String, String> env) {
        String size = env.get("OMPI_COMM_WORLD_SIZE");
        if (size == null && env.containsKey("PMIX_RANK")) {
            size = env.get("SLURM_NTASKS");
        }
        if (size == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(size.strip());
            return n >= 1 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Ranks of the job on this machine ({@code OMPI_COMM_WORLD_LOCAL_SIZE}, or the leading number of Slurm's
     * {@code SLURM_NTASKS_PER_NODE}, e.g. {@code 4(x2)}); 1 when not launched as a job or not stated.
     */
    public static int localRanks(Map<String, String> env) {
        if (ranks(env).isEmpty()) {
            return 1;
        }
        String local = env.get("OMPI_COMM_WORLD_LOCAL_SIZE");
        if (local == null) {
            local = env.get("SLURM_NTASKS_PER_NODE");
        }
        if (local == null) {
            return 1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+)").matcher(local);
        return m.find() ? Math.max(1, Integer.parseInt(m.group(1))) : 1;
    }

    /**
     * This process's rank among the job's ranks on this machine ({@code OMPI_COMM_WORLD_LOCAL_RANK}, or Slurm's
     * {@code SLURM_LOCALID} under {@code srun}); 0 when not launched as a job or not stated.
     */
    public static int localRank(Map<String, String> env) {
        if (ranks(env).isEmpty()) {
            return 0;
        }
        String local = env.get("OMPI_COMM_WORLD_LOCAL_RANK");
        if (local == null && env.containsKey("PMIX_RANK")) {
            local = env.get("SLURM_LOCALID");
        }
        if (local == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(local.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * This process's rank in the whole job ({@code OMPI_COMM_WORLD_RANK}, or {@code PMIX_RANK} under {@code srun}),
     * read before joining it; 0 when not launched as a job or not stated.
     */
    public static int worldRank(Map<String, String> env) {
        if (ranks(env).isEmpty()) {
            return 0;
        }
        String rank = env.containsKey("OMPI_COMM_WORLD_RANK") ? env.get("OMPI_COMM_WORLD_RANK") : env.get("PMIX_RANK");
        if (rank == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(rank.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A one-line description of the launch, e.g. {@code "launched by mpirun: 2 ranks"}. */
    public static String describe(Map<String, String> env) {
        OptionalInt n = ranks(env);
        if (n.isEmpty()) {
            return "not launched by mpirun or srun (no OMPI_COMM_WORLD_SIZE): a single process";
        }
        String by = env.containsKey("OMPI_COMM_WORLD_SIZE") ? "mpirun" : "srun";
        return "launched by " + by + ": " + n.getAsInt() + (n.getAsInt() == 1 ? " rank" : " ranks");
    }
}
