package dev.wafer.formats.hf;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Recognises pickle files in a model directory that are not named as transformers names a PyTorch checkpoint
 * ({@code pytorch_model.bin}, which Wafer reads), and explains what to do with them.
 */
final class PickleRefusal {
    private PickleRefusal() {
    }

    static boolean isPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt")
                || name.endsWith(".pkl");
    }

    static HfFormatException refuse(Path file) {
        String name = file.getFileName().toString();
        return new HfFormatException(file + ": the model directory holds the pickle '" + name + "' but no "
                + Gpt2HfDirectory.WEIGHTS + " or " + Gpt2HfDirectory.TORCH_WEIGHTS + "; Wafer reads a PyTorch checkpoint"
                + " only under the names transformers writes (" + Gpt2HfDirectory.TORCH_WEIGHTS + ", or shards listed in "
                + Gpt2HfDirectory.TORCH_SHARD_INDEX + "): rename it if it is a state dict saved by torch.save, or convert"
                + " it once to safetensors in the model directory with Python: "
                + "python -c \"import torch; from safetensors.torch import save_file; "
                + "sd = torch.load('" + name + "', map_location='cpu', weights_only=True); "
                + "save_file({k: v.contiguous().clone() for k, v in sd.items()}, 'model.safetensors', metadata={'format': 'pt'})\" "
                + "or with transformers: AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(OUT, safe_serialization=True)");
    }
}
