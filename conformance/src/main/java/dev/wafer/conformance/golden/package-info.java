/**
 * Golden files written by {@code conformance/golden/make_golden.py} with PyTorch, shipped as resources so that
 * tests need no PyTorch: a tiny model's inputs, weights, logits, loss, gradients and first AdamW steps.
 */
package dev.wafer.conformance.golden;
