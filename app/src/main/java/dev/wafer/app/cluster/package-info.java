/**
 * Data-parallel runs across processes: {@link dev.wafer.app.cluster.Cluster} tells from the environment whether this
 * process is one rank of an {@code mpirun} (or {@code srun}) job and joins it through the MPI adapter, or stands
 * alone as a single process; {@link dev.wafer.domain.cluster.RunAgreement} (in the domain) checks that every rank resolved the same run.
 */
package dev.wafer.app.cluster;
