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
}
