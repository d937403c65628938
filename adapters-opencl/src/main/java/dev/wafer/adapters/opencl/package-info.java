/**
 * The OpenCL backend, through Aparapi. Aparapi silently re-runs kernels on a Java thread pool when
 * OpenCL is missing, so this backend checks for a real platform and device up front and reports
 * "unavailable" instead of running slowly on the CPU.
 */
package dev.wafer.adapters.opencl;
