package dev.wafer.adapters.cpu;

/**
 * Per-worker scratch arrays that grow to the largest size asked for and are then reused, so kernels do not
 * allocate in their loops.
 */
final class Scratch {
    private final float[][] floats;
    private final double[][] doubles;

    Scratch(int workers) {
        floats = new float[workers][0];
        doubles = new double[workers][0];
    }

    float[] floats(int worker, int n) {
        if (floats[worker].length < n) {
            floats[worker] = new float[n];
        }
        return floats[worker];
    }

    double[] doubles(int worker, int n) {
        if (doubles[worker].length < n) {
            doubles[worker] = new double[n];
        }
        return doubles[worker];
    }
}
