package dev.wafer.adapters.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What the launch environment says about the job, for mpirun and for srun. */
class MpiLaunchTest {

    @Test
    void mpirunStatesRanksAndLocalRanks() {
        Map<String, String> env = Map.of("OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_RANK", "1",
                "OMPI_COMM_WORLD_LOCAL_SIZE", "2");
        assertEquals(OptionalInt.of(4), MpiLaunch.ranks(env));
        assertEquals(2, MpiLaunch.localRanks(env));
    }

    @Test
    void srunStatesTasksPerNodeWithARepeatCount() {
        Map<String, String> env = Map.of("PMIX_RANK", "0", "SLURM_NTASKS", "6", "SLURM_NTASKS_PER_NODE", "3(x2)");
        assertEquals(OptionalInt.of(6), MpiLaunch.ranks(env));
        assertEquals(3, MpiLaunch.localRanks(env));
    }

    @Test
    void aSingleProcessIsOneLocalRankWhateverElseIsSet() {
        assertEquals(OptionalInt.empty(), MpiLaunch.ranks(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "8")));
        assertEquals(1, MpiLaunch.localRanks(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "8")));
        assertEquals(1, MpiLaunch.localRanks(Map.of("OMPI_COMM_WORLD_SIZE", "2")));
    }

    @Test
    void theLocalRankComesFromMpirunOrSrun() {
        assertEquals(1, MpiLaunch.localRank(Map.of("OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_LOCAL_RANK", "1")));
        assertEquals(2, MpiLaunch.localRank(Map.of("PMIX_RANK", "5", "SLURM_NTASKS", "6", "SLURM_LOCALID", "2")));
        // Not a job, nothing stated, or garbled: rank 0.
        assertEquals(0, MpiLaunch.localRank(Map.of("OMPI_COMM_WORLD_LOCAL_RANK", "3")));
        assertEquals(0, MpiLaunch.localRank(Map.of("OMPI_COMM_WORLD_SIZE", "4")));
        assertEquals(0, MpiLaunch.localRank(Map.of("OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_LOCAL_RANK", "x")));
        // SLURM_LOCALID without srun's PMIx (e.g. mpirun inside an allocation) is not this job's.
        assertEquals(0, MpiLaunch.localRank(Map.of("OMPI_COMM_WORLD_SIZE", "4", "SLURM_LOCALID", "3")));
    }

    @Test
    void theWorldRankComesFromMpirunOrSrun() {
        assertEquals(3, MpiLaunch.worldRank(Map.of("OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_RANK", "3")));
        assertEquals(5, MpiLaunch.worldRank(Map.of("PMIX_RANK", "5", "SLURM_NTASKS", "6")));
        assertEquals(0, MpiLaunch.worldRank(Map.of("OMPI_COMM_WORLD_RANK", "3")), "not a job");
        assertEquals(0, MpiLaunch.worldRank(Map.of("OMPI_COMM_WORLD_SIZE", "4", "OMPI_COMM_WORLD_RANK", "x")));
    }
}
