package dev.wafer.formats.checkpoint;

import dev.wafer.ports.checkpoint.TensorSpec;

/** One tensor of the index: its spec and where its bytes are, relative to the data start. */
record TensorEntry(TensorSpec spec, long offset, long bytes) {
}
