package dev.wafer.app.cli;

/**
 * Marks a command that knows it may be one rank of an {@code mpirun} (or {@code srun}) job: {@code train} (ranks
 * share each batch, rank 0 prints and saves), {@code data prepare} (ranks share the inputs) and {@code cluster}. Any
 * other command is refused at start-up when launched with more than one rank: each rank ran the whole command
 * (eval printed its JSON twice, bench timed competing copies, export-hf failed on one rank's output lock).
 */
interface RankAware {
}
