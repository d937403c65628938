package dev.wafer.adapters.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the device's compiler gave each loaded kernel ({@code cuFuncGetAttribute}): registers a thread, local memory a
 * thread (spills) and the largest block it can launch with. The registers and spills are the GPU check's evidence of
 * how the fused attention compiled on the device (NVRTC's figures here are in docs/cuda.md); the largest block is
 * checked against the block each kernel is launched with, so a kernel that could not launch is found when the
 * kernels load, not at its first launch in a step.
 */
final class KernelResources {
    /** One kernel's resources on the device. */
    record Usage(int registers, int localBytes, int maxThreads) {
    }

    private final Map<CudaKernel, Usage> usage;

    KernelResources(Map<CudaKernel, Usage> usage) {
        this.usage = new EnumMap<>(usage);
    }

    /** Reads every kernel's resources from the device. */
    static KernelResources query(DriverApi driver, Map<CudaKernel, java.lang.foreign.MemorySegment> functions) {
        Map<CudaKernel, Usage> usage = new EnumMap<>(CudaKernel.class);
        functions.forEach((k, f) -> usage.put(k, new Usage(
                driver.functionAttribute(DriverApi.FUNC_NUM_REGS, f, k.entry()),
                driver.functionAttribute(DriverApi.FUNC_LOCAL_SIZE_BYTES, f, k.entry()),
                driver.functionAttribute(DriverApi.FUNC_MAX_THREADS_PER_BLOCK, f, k.entry()))));
        return new KernelResources(usage);
    }

    /**
     * @throws CudaFailure naming each kernel whose largest block on this device is smaller than the block it is
     *                     launched with (too many registers or too much shared memory for it)
     */
    void checkLaunchable(String way) {
        List<String> too = new ArrayList<>();
        usage.forEach((k, u) -> {
            if (u.maxThreads() < k.largestBlock()) {
                too.add(k.entry() + " (" + u.registers() + " registers: blocks of at most " + u.maxThreads()
                        + " threads, launched with " + k.largestBlock() + ")");
            }
        });
        if (!too.isEmpty()) {
            throw new CudaFailure("kernels loaded as " + way + " cannot launch with their blocks on this device: "
                    + String.join(", ", too), 0);
        }
    }

    /**
     * For the backend's description: the fused attention kernels' registers, the most any other kernel uses, and
     * every kernel that spills, e.g. {@code registers: fused attention 120/200/138 (heads to 64), 177/255/227 (to
     * 128), float32 fused attention 167/243/189, others at most 48 (attention_softmax); local memory:
     * flash_attention_backward_keys_128 8 B}.
     */
    String summary() {
        StringBuilder s = new StringBuilder("registers:");
        String narrow = registers(CudaKernel.FLASH_ATTENTION_FORWARD_64, CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_64,
                CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_64);
        String wide = registers(CudaKernel.FLASH_ATTENTION_FORWARD_128, CudaKernel.FLASH_ATTENTION_BACKWARD_KEYS_128,
                CudaKernel.FLASH_ATTENTION_BACKWARD_QUERIES_128);
        String float32 = registers(CudaKernel.FLASH_ATTENTION_F32_FORWARD, CudaKernel.FLASH_ATTENTION_F32_BACKWARD_KEYS,
                CudaKernel.FLASH_ATTENTION_F32_BACKWARD_QUERIES);
        if (narrow != null && wide != null) {
            s.append(" fused attention ").append(narrow).append(" (heads to 64), ").append(wide).append(" (to 128),");
        }
        if (float32 != null) {
            s.append(" float32 fused attention ").append(float32).append(',');
        }
        CudaKernel most = null;
        for (Map.Entry<CudaKernel, Usage> e : usage.entrySet()) {
            boolean fused = e.getKey().largestBlock() == CudaKernel.FLASH_BLOCK;
            if (!fused && (most == null || e.getValue().registers() > usage.get(most).registers())) {
                most = e.getKey();
            }
        }
        if (most != null) {
            s.append(" others at most ").append(usage.get(most).registers()).append(" (").append(most.entry())
                    .append(')');
        }
        List<String> spills = new ArrayList<>();
        usage.forEach((k, u) -> {
            if (u.localBytes() > 0) {
                spills.add(k.entry() + " " + u.localBytes() + " B");
            }
        });
        s.append("; local memory: ").append(spills.isEmpty() ? "none" : String.join(", ", spills));
        return s.toString();
    }

    private String registers(CudaKernel forward, CudaKernel keys, CudaKernel queries) {
        if (!usage.containsKey(forward) || !usage.containsKey(keys) || !usage.containsKey(queries)) {
            return null;
        }
        return usage.get(forward).registers() + "/" + usage.get(keys).registers() + "/"
                + usage.get(queries).registers();
    }
}
