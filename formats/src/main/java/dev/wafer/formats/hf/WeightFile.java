package dev.wafer.formats.hf;

import java.nio.file.Path;
import java.util.Map;

/**
 * One weights file of a Hugging Face model directory, whatever its format: safetensors, or a PyTorch zip checkpoint
 * ({@code pytorch_model.bin}). The directory reader sees names, shapes and float32 values only.
 */
interface WeightFile extends AutoCloseable {
    /** The file, for messages. */
    Path file();

    /** Every tensor's shape by its name in the file, in file order. */
    Map<String, long[]> shapes();

    /** The named tensor as float32, row-major. */
    float[] readFloats(String name);

    /** Releases the file; arrays read before stay valid. */
    @Override
    void close();
}
