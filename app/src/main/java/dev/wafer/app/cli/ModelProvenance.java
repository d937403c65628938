package dev.wafer.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * What trained a checkpoint's model, as flat strings: the form {@code export-hf} writes into {@code config.json} and
 * the safetensors metadata and {@code import-hf} carries back, so that a model keeps saying which data trained it
 * through every conversion.
 */
final class ModelProvenance {
    private ModelProvenance() {
    }

    /**
     * A trained model's provenance from its training section (its data's tokenizer as {@link TrainedTokenizer#of}
     * finds it); an imported model's is what its directory recorded, or at least where it was imported from.
     */
    static Map<String, String> of(CheckpointedModel model) {
        if (model.training().isEmpty()) {
            if (!model.provenance().isEmpty() || model.importedFrom().isEmpty()) {
                return model.provenance();
            }
            return Map.of("imported_from", model.importedFrom().get());
        }
        TrainingHeader t = model.training().get();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("data_kind", t.data().kind());
        putIfSet(p, "data_path", t.data().path());
        putIfSet(p, "data_fingerprint", t.data().fingerprint());
        TrainedTokenizer.of(model).ifPresent(tok -> {
            p.put("tokenizer", tok.tokenizer());
            putIfSet(p, "tokenizer_sha256", tok.sha256());
        });
        p.put("steps", Long.toString(t.position().step()));
        p.put("tokens", Long.toString(t.position().tokens()));
        p.put("seq_length", Integer.toString(t.seqLength()));
        p.put("seed", Long.toString(t.seed()));
        p.put("precision", t.precision());
        p.put("parameterisation", model.kind().id());
        p.put("checkpoint", model.file().toAbsolutePath().normalize().toString());
        return p;
    }

    /**
     * One line for the terminal: the entries as {@code key=value}, a key or value with a control character (an ESC, a
     * NUL from an edited config.json) or surrounding white space quoted and escaped, so none reaches the terminal raw.
     */
    static String summary(Map<String, String> provenance) {
        StringJoiner line = new StringJoiner(", ");
        provenance.forEach((k, v) -> line.add(DisplayName.of(k) + "=" + DisplayName.of(v)));
        return line.toString();
    }

    private static void putIfSet(Map<String, String> p, String key, String value) {
        if (!value.isEmpty()) {
            p.put(key, value);
        }
    }
}
