/** Training data as the trainer sees it: batches of token ids with their next-token targets. */
package dev.wafer.ports.data;
