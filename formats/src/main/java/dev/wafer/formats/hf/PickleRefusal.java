package dev.wafer.formats.hf;

import java.nio.file.Path;
import java.util.Locale;

/** Recognises PyTorch pickle checkpoints and explains why Wafer will not load them and how to convert them. */
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
        return new HfFormatException(file + ": refusing to load the PyTorch pickle checkpoint '" + name
                + "': loading pickle executes code stored in the file, so a downloaded checkpoint could run anything. "
                + "Convert it once to safetensors in the model directory with Python: "
                + "python -c \"import torch; from safetensors.torch import save_file; "
                + "sd = torch.load('" + name + "', map_location='cpu', weights_only=True); "
                + "save_file({k: v.contiguous().clone() for k, v in sd.items()}, 'model.safetensors', metadata={'format': 'pt'})\" "
                + "or with transformers: AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(OUT, safe_serialization=True)");
    }
}
