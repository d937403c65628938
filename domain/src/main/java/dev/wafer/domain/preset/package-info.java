/**
 * The Cerebras-GPT family of the paper's Table 1 (111M to 13B, SP and muP) and the muP proxy, with the exact
 * Modelzoo configurations the paper leaves out (warm-up and decay steps, batch sizes, Adam epsilon).
 */
package dev.wafer.domain.preset;
