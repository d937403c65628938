/**
 * The collective-communication port on Open MPI ({@code libmpi.so.40}), called through the JDK's FFM API: no JNI
 * code and no {@code mpi.jar}. {@link dev.wafer.adapters.mpi.MpiLaunch} tells from the environment whether this
 * process was started by {@code mpirun}, {@link dev.wafer.adapters.mpi.MpiProbe} reports the library in one line
 * without initialising it, and {@link dev.wafer.adapters.mpi.MpiCollective} is the port's implementation.
 */
package dev.wafer.adapters.mpi;
