/**
 * Seeded fuzzing of every reader of untrusted bytes that the app owns, with shared mutations ({@link
 * dev.wafer.formats.fuzz.Mutations}) and one harness ({@link dev.wafer.formats.fuzz.Fuzz}) that checks the property: each
 * input loads or fails with the reader's own one-line error naming the file; never another exception type, a hang
 * (60 s per batch) or an allocation beyond 48 MiB + 64 bytes per input byte (the thread's allocation counter, so
 * an {@link java.lang.OutOfMemoryError} or a declared-size allocation fails the case).
 *
 * <p>Cases per run (fixed seeds, so CI is reproducible; {@code -Dwafer.fuzz.seed}, {@code -Dwafer.fuzz.cases} and
 * {@code -Dwafer.fuzz.case} explore or replay):
 * <ul>
 *   <li>checkpoints ({@code CheckpointFuzzTest}, through {@code RunStateHeaders.state}): 2,800 (1,000 + 400 damaged
 *       bytes of a v2 file and the committed v1 file; 1,200 + 200 header edits written back with correct
 *       checksums);</li>
 *   <li>{@code config.json} ({@code Gpt2ConfigJsonFuzzTest}): 2,500 (500 + 500 bytes, 750 + 750 field edits,
 *       SP and muP);</li>
 *   <li>Pile JSON Lines ({@code PileJsonlFuzzTest}): 2,400 (800 plain bytes, 800 record edits, 800 damaged zstd
 *       streams);</li>
 *   <li>task files ({@code TaskJsonlReaderFuzzTest}): 2,000 (1,000 bytes, 1,000 line edits);</li>
 *   <li>dataset shards ({@code TokenShardFuzzTest}, through {@code ShardedSequences}): 2,500 (1,500 uint16,
 *       1,000 int32; half with the payload CRC recomputed).</li>
 * </ul>
 * Each test prints a summary line with its cases, outcome counts, time and slowest case.
 */
package dev.wafer.formats.fuzz;
