/**
 * The CUDA backend, talking to the host's NVIDIA driver ({@code libcuda.so.1}) through the Java
 * Foreign Function &amp; Memory API: no JNI bindings to ship, and nothing to load until the backend is
 * used, so a machine without a GPU loads these classes without error and reports "unavailable".
 */
package dev.wafer.adapters.cuda;
