/**
 * Collective communication between the processes of one data-parallel training run: each process (a rank) trains
 * the same model on its share of every batch, and the ranks sum their gradients and losses here.
 *
 * <p>{@link dev.wafer.ports.collective.Collective} is the port; {@link dev.wafer.ports.collective.SingleProcess} is
 * its implementation for an ordinary run of one process (every operation is the identity), and an adapter (Open MPI
 * through the FFM API) implements it across processes and machines.
 */
package dev.wafer.ports.collective;
