package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which device each process of a job opens, from the environment and the launch. */
class DevicePlacementTest {
    private static DevicePlacement fromEnvironment(Map<String, String> env) {
        return CudaOptions.fromEnvironment(env).device();
    }

    @Test
    void aSingleProcessOpensDeviceZeroUnlessTheVariableNamesAnother() {
        assertEquals(0, DevicePlacement.DEFAULT.resolve(4));
        assertEquals(DevicePlacement.DEFAULT, fromEnvironment(Map.of()));
        assertEquals(3, fromEnvironment(Map.of(CudaOptions.DEVICE_VARIABLE, " 3 ")).resolve(4));
        assertEquals("device 3 (WAFER_CUDA_DEVICE)", DevicePlacement.ordinal(3).describe(3));
        assertEquals("device 0", DevicePlacement.DEFAULT.describe(0));
    }

    @Test
    void ranksOnOneMachineTakeOneDeviceEach() {
        for (int rank = 0; rank < 8; rank++) {
            DevicePlacement p = DevicePlacement.DEFAULT.onLocalRank(rank, 8);
            assertEquals(rank, p.resolve(8), "rank " + rank + " of 8 on 8 devices");
            assertEquals(rank, p.resolve(16), "rank " + rank + " of 8 on 16 devices");
        }
        assertEquals("device 1 (local rank 1 of 2)", DevicePlacement.DEFAULT.onLocalRank(1, 2).describe(1));
        // A launcher that does not say how many ranks share the machine: at least this rank's number plus one.
        assertEquals(5, DevicePlacement.DEFAULT.onLocalRank(5, 1).resolve(8));
    }

    @Test
    void theVariableWinsOverTheLocalRank() {
        DevicePlacement p = fromEnvironment(Map.of(CudaOptions.DEVICE_VARIABLE, "0")).onLocalRank(1, 2);
        assertEquals(0, p.resolve(1), "ranks may share a device when told to");
        assertEquals(0, p.resolve(2));
    }

    @Test
    void aLauncherThatBindsOneGpuPerRankLeavesEachRankItsDeviceZero() {
        DevicePlacement p = fromEnvironment(Map.of("CUDA_VISIBLE_DEVICES", "3")).onLocalRank(3, 4);
        assertEquals(0, p.resolve(1));
    }

    @Test
    void ranksThatWouldShareADeviceAreRefusedWithWhatToDo() {
        CudaUnavailableException one = assertThrows(CudaUnavailableException.class,
                () -> DevicePlacement.DEFAULT.onLocalRank(1, 2).resolve(1));
        assertEquals("2 ranks of this job run on this machine but the driver reports 1 device, so ranks would share"
                + " a GPU", one.getMessage());
        assertTrue(one.remedy().startsWith("Start at most 1 rank per machine"), one.remedy());
        assertTrue(one.remedy().contains("WAFER_CUDA_DEVICE"), one.remedy());
        // Rank 0 is refused as well: a job whose ranks cannot all have a device stops on every rank.
        assertThrows(CudaUnavailableException.class, () -> DevicePlacement.DEFAULT.onLocalRank(0, 4).resolve(2));
        // Restricting the visible devices to two does not bind one per rank.
        DevicePlacement two = fromEnvironment(Map.of("CUDA_VISIBLE_DEVICES", "0,1")).onLocalRank(2, 4);
        assertThrows(CudaUnavailableException.class, () -> two.resolve(2));
    }

    @Test
    void aNamedDeviceBeyondTheDriversCountIsRefused() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> DevicePlacement.ordinal(2).resolve(2));
        assertEquals("WAFER_CUDA_DEVICE selects device 2 but the driver reports 2 devices", e.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> fromEnvironment(Map.of(CudaOptions.DEVICE_VARIABLE, "-1")));
        assertTrue(negative.getMessage().contains("0 or more, found -1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DevicePlacement.DEFAULT.onLocalRank(-1, 2));
        assertEquals(new CudaOptions(1, false, Path.of("x")).device(), DevicePlacement.ordinal(1));
    }
}
