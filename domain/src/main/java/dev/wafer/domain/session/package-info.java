/**
 * The training use case: {@link dev.wafer.domain.session.TrainingSession} runs one training run from a typed
 * {@link dev.wafer.domain.session.RunSpec} (or the {@link dev.wafer.domain.session.RunState} a checkpoint holds),
 * applying the schedule by tokens with gradient accumulation, checkpointing through the checkpoint port, scoring
 * the validation split and reporting each step to a {@link dev.wafer.domain.session.SessionListener}.
 *
 * <p>{@link dev.wafer.domain.session.ModelAssembly} is the one place a model and its optimizer are built, for
 * training, benchmarks, studies and evaluation alike. {@link dev.wafer.domain.session.MemoryEstimate} and
 * {@link dev.wafer.domain.session.StepEstimate} size and time a run before it starts.
 */
package dev.wafer.domain.session;
