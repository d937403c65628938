/**
 * The compute port: device tensors, allocation scopes, backend capabilities and the kernel families of one
 * training step (llm.c's list), each forward with its backward.
 *
 * <h2>Conventions shared by every kernel</h2>
 * <ul>
 *   <li>Arguments come in llm.c order: outputs first, then inputs, then sizes
 *       ({@code forward(out, mean, rstd, inp, weight, bias, n, c)}).</li>
 *   <li>All tensors are float32, except bf16 tensors where a backend declares
 *       {@link dev.wafer.ports.compute.Capability#BF16_STORAGE} and only in the kernel arguments listed there. Reductions (means, variances, dot products of a row, the softmax normaliser,
 *       the loss, the gradient norm) are carried out in float32 or wider; backends document which.</li>
 *   <li>Shapes are row-major; {@code B} is the batch, {@code T} the sequence length, {@code C} the channels,
 *       {@code OC} output channels, {@code NH} heads, {@code V} the vocabulary. {@code N = B*T} rows.</li>
 *   <li><b>Backward rule.</b> Backward kernels <b>accumulate</b> into parameter gradients ({@code +=}), so that
 *       micro-batches of a gradient-accumulation step add up without extra passes, and <b>write</b> activation
 *       gradients ({@code =}), so that callers never have to zero activation-gradient buffers. Where an
 *       activation gradient has two sources (a residual stream), the caller adds them with
 *       {@link dev.wafer.ports.compute.ResidualKernel#forward}.</li>
 *   <li>Outputs must not alias inputs unless the kernel's Javadoc says so.</li>
 *   <li>Tensors passed to a kernel must come from a scope of the same backend; anything else is an
 *       {@link java.lang.IllegalArgumentException}.</li>
 * </ul>
 */
package dev.wafer.ports.compute;
