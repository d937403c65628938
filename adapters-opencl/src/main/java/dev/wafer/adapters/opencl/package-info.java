/**
 * The OpenCL backend, through Aparapi. Aparapi silently re-runs kernels on a Java thread pool when
 * OpenCL is missing, so this backend checks for a real platform and device up front and reports
 * "unavailable" instead of running slowly on the CPU.
 *
 * <h2>Compute</h2>
 * The OpenCL compute backend on Aparapi: {@link dev.wafer.adapters.opencl.ClBackend} implements every compute port
 * with kernels compiled once per backend for a device chosen by {@link dev.wafer.adapters.opencl.ClDeviceSelector}.
 *
 * <h2>How tensors map onto Aparapi</h2>
 * Aparapi binds Java primitive arrays, and gives every {@code Kernel} instance its own device copy of each array it
 * binds. So the backend has exactly one kernel instance ({@code ClProgram}) bound to one {@code float[]} arena in
 * explicit-buffer mode. Its kernels are methods with named, typed parameters, defined family by family along its
 * superclasses and listed in the table {@code ClKernel}; a launch builds checked {@code ClArgs}, which reach the
 * kernel method through {@code ClProgram}'s dispatch. A tensor, and every view of it, is an {@code (offset, length)}
 * window of that arena; kernels receive offsets as scalar arguments. Data stays on the device between launches;
 * host copies go through a staging array ({@code put}/{@code get}), ids through an {@code int[]}, and the arena
 * itself crosses only when it grows. The arena is at least 64 MiB so that the G1 collector treats it as a humongous
 * object and does not move it (a moved array makes Aparapi recreate its device buffer from the host copy).
 *
 * <h2>No silent fallback</h2>
 * The program is compiled for the device up front; every launch runs on a range bound to the device and is followed
 * by a check of Aparapi's target device, execution mode and failed-device list. Anything else is a
 * {@link dev.wafer.adapters.opencl.ClFallbackException} naming the operation.
 *
 * <h2>Precision</h2>
 * Float32 tensors; dot products, LayerNorm statistics, softmax maxima, GELU's erfc fit and the attention softmax
 * normalisers in float32; the loss's normaliser and sums of squares as unevaluated sums of two floats (two-sum and
 * Dekker's exact product: about a double's precision). No double arithmetic at all ({@code ClFloatOnlyTest}), so the
 * device needs no cl_khr_fp64, and GPUs with few double units are not slowed by it.
 */
package dev.wafer.adapters.opencl;
