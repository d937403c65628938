package dev.wafer.app.cli;

import java.nio.file.Path;

import dev.wafer.domain.recipe.RunRequest;

/**
 * Everything {@code wafer train} was asked, parsed once: the run's recipe (the domain's {@link RunRequest}) and how
 * to carry the run out. {@code null} (or {@code false}) is "not given".
 *
 * @param recipe          model, schedule, optimizer, precision, seed: what a checkpoint fixes
 * @param data            a dataset directory or token file; null trains on the sample (or synthetic tokens)
 * @param out             where checkpoints go
 * @param resume          the checkpoint (or directory) to continue
 * @param checkpointEvery optimizer steps between checkpoints
 * @param stopAt          the step to stop after
 * @param maxTokens       the tokens to stop at
 * @param evalBatches     validation batches of 8 sequences scored at the end
 * @param underflowReport steps between underflow reports
 * @param json            one JSON object per step instead of a progress line
 * @param dryRun          print the resolved run and exit
 * @param noMeasure       with a dry run: no measured step
 * @param overwrite       let {@code out} replace another run's checkpoint
 * @param shardOptimizer  shard AdamW's moments over the ranks (ZeRO stage 1)
 * @param ranks           with a dry run: the rank count to size for (null: the job's)
 * @param recompute       recompute each block's activations in the backward (less memory, same numbers)
 * @param profile         time every kernel call and print where the run's time went
 */
record TrainFlags(RunRequest recipe, Path data, Path out, Path resume, Long checkpointEvery, Long stopAt,
                  Long maxTokens, int evalBatches, Long underflowReport, boolean json, boolean dryRun,
                  boolean noMeasure, boolean overwrite, boolean shardOptimizer, Integer ranks, boolean recompute,
                  boolean profile) {
}
