package dev.wafer.adapters.cuda;

import java.util.OptionalInt;

/**
 * Which CUDA device this process opens. {@code WAFER_CUDA_DEVICE} names one outright; otherwise a single process opens
 * device 0, and a rank of a data-parallel job started several to a machine opens the device of its local rank, so
 * that {@code mpirun -np 8} on an 8-GPU machine puts one rank on each GPU instead of all eight on device 0.
 *
 * <p>A launcher that binds one GPU to each rank through {@code CUDA_VISIBLE_DEVICES} (Slurm's
 * {@code --gpus-per-task=1}) leaves every rank one visible device: each then opens its device 0. Ranks that would
 * share a GPU otherwise are refused before any work, since each would size its run against the whole device's memory.
 *
 * @param chosen            the ordinal {@code WAFER_CUDA_DEVICE} names, if set
 * @param localRank         this process's rank among the job's ranks on this machine (0 for a single process)
 * @param localRanks        the job's ranks on this machine (1 for a single process)
 * @param visibleDevicesSet whether {@code CUDA_VISIBLE_DEVICES} restricts the devices this process sees
 */
public record DevicePlacement(OptionalInt chosen, int localRank, int localRanks, boolean visibleDevicesSet) {
    /** A single process without {@code WAFER_CUDA_DEVICE}: device 0. */
    public static final DevicePlacement DEFAULT = new DevicePlacement(OptionalInt.empty(), 0, 1, false);

    /**
     * @throws IllegalArgumentException for a negative ordinal, or a local rank outside {@code [0, localRanks)}
     */
    public DevicePlacement {
        if (chosen.isPresent() && chosen.getAsInt() < 0) {
            throw new IllegalArgumentException(CudaOptions.DEVICE_VARIABLE
                    + ": expected a device ordinal of 0 or more, found " + chosen.getAsInt());
        }
        if (localRanks < 1 || localRank < 0 || localRank >= localRanks) {
            throw new IllegalArgumentException("local rank " + localRank + " of " + localRanks
                    + ": expected 0 <= rank < ranks, ranks >= 1");
        }
    }

    /** The device with this ordinal, whatever the launch. */
    public static DevicePlacement ordinal(int ordinal) {
        return new DevicePlacement(OptionalInt.of(ordinal), 0, 1, false);
    }

    /**
     * This placement for rank {@code localRank} of {@code localRanks} ranks on this machine. A launcher that states no
     * local rank count gives 1 (then at least {@code localRank + 1} are assumed).
     */
    public DevicePlacement onLocalRank(int localRank, int localRanks) {
        return new DevicePlacement(chosen, localRank, Math.max(localRanks, localRank + 1), visibleDevicesSet);
    }

    /**
     * The ordinal to open on a machine whose driver reports {@code deviceCount} devices.
     *
     * @throws CudaUnavailableException when the named device does not exist, or this machine's ranks would share a
     *                                  device that nobody chose for them
     */
    public int resolve(int deviceCount) {
        if (chosen.isPresent()) {
            int ordinal = chosen.getAsInt();
            if (ordinal >= deviceCount) {
                throw new CudaUnavailableException(CudaOptions.DEVICE_VARIABLE + " selects device " + ordinal
                        + " but the driver reports " + devices(deviceCount),
                        "Set " + CudaOptions.DEVICE_VARIABLE + " to an ordinal below " + deviceCount + ", or unset it");
            }
            return ordinal;
        }
        if (localRanks == 1) {
            return 0;
        }
        if (localRanks <= deviceCount) {
            return localRank;
        }
        if (deviceCount == 1 && visibleDevicesSet) {
            return 0; // the launcher gave this rank a GPU of its own through CUDA_VISIBLE_DEVICES
        }
        throw new CudaUnavailableException(localRanks + " ranks of this job run on this machine but the driver reports "
                + devices(deviceCount) + ", so ranks would share a GPU",
                "Start at most " + deviceCount + (deviceCount == 1 ? " rank" : " ranks")
                        + " per machine (e.g. mpirun --map-by ppr:" + deviceCount + ":node), give each rank a GPU of"
                        + " its own through CUDA_VISIBLE_DEVICES, or set " + CudaOptions.DEVICE_VARIABLE
                        + " to share one knowingly (each rank then sizes its run against the whole device)");
    }

    /** For reports: {@code device 1 (local rank 1 of 2)}, {@code device 0 (WAFER_CUDA_DEVICE)} or {@code device 0}. */
    public String describe(int ordinal) {
        if (chosen.isPresent()) {
            return "device " + ordinal + " (" + CudaOptions.DEVICE_VARIABLE + ")";
        }
        return "device " + ordinal + (localRanks == 1 ? "" : " (local rank " + localRank + " of " + localRanks + ")");
    }

    private static String devices(int count) {
        return count + (count == 1 ? " device" : " devices");
    }
}
