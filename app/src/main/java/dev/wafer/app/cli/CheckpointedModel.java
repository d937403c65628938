package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.model.ParameterSet;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.session.CheckpointTensors;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.TensorScope;

/**
 * A model read from a Wafer checkpoint ({@code train --out}, {@code import-hf}): shape, parameterisation and host
 * copies of the parameters, ready to upload to any backend. Checkpoint problems become one-line {@link UserError}s.
 *
 * @param file   the checkpoint file
 * @param shape  the model shape
 * @param kind   SP or muP
 * @param params parameters by name, row-major, shaped as in the {@link ParameterLayout}
 * @param mup    the muP triple it was trained with (the paper's for older checkpoints); null for SP
 * @param training  the run state of a training checkpoint (data, seed, sequence length, data position); empty for a
 *                  model-only checkpoint ({@code import-hf})
 * @param importedFrom the Hugging Face directory {@code import-hf} read it from; empty for a trained model
 * @param provenance   how an imported model was trained, as its exported directory recorded it; empty otherwise
 */
record CheckpointedModel(Path file, ModelShape shape, ParameterisationKind kind, Map<ParameterName, float[]> params,
        MupHyperparameters mup, java.util.Optional<dev.wafer.ports.checkpoint.TrainingHeader> training,
        java.util.Optional<String> importedFrom, Map<String, String> provenance) {

    /** The data it was trained on as its checkpoint names it (kind, path, fingerprint); empty for a model-only one. */
    java.util.Optional<dev.wafer.ports.checkpoint.TrainingHeader.Data> trainedOn() {
        return training.map(dev.wafer.ports.checkpoint.TrainingHeader::data);
    }

    /** Reads {@code path} (a checkpoint file, or a directory holding {@code checkpoint.wafer}). */
    static CheckpointedModel read(CheckpointStore store, String flag, Path path) {
        Path file = ModelCheckpoints.resolve(path);
        if (!Files.exists(file)) {
            throw new UserError(flag + " " + path + ": no checkpoint at " + file);
        }
        try (CheckpointReader reader = store.open(file)) {
            // A training section resume would refuse (an edited kind, step or precision) is refused by every command.
            requireValidRunState(file, reader.header());
            ModelShape shape = RunStateHeaders.shape(file, reader.header().model());
            ParameterisationKind kind = RunStateHeaders.kind(file, reader.header().model());
            MupHyperparameters mup = RunStateHeaders.mup(file, reader.header().model());
            Map<ParameterName, float[]> params = new EnumMap<>(ParameterName.class);
            for (var spec : new ParameterLayout(shape).specs()) {
                reader.require(CheckpointTensors.tensorName(CheckpointTensors.PARAMS, spec.name()), spec.shape());
            }
            for (var spec : new ParameterLayout(shape).specs()) {
                String name = CheckpointTensors.tensorName(CheckpointTensors.PARAMS, spec.name());
                float[] values = reader.read(name);
                // A NaN or infinity would only surface deep inside eval or generate: named here, once, for all.
                dev.wafer.domain.session.NonFiniteParameters.describe(spec.name(), values).ifPresent(what -> {
                    throw new UserError(flag + " " + path + ": the checkpoint " + file + "'s " + what
                            + "; the model cannot be used");
                });
                params.put(spec.name(), values);
            }
            return new CheckpointedModel(file, shape, kind, params, mup,
                    reader.header().training(), reader.header().model().importedFrom(),
                    reader.header().model().provenance());
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * Refuses a training section {@code train --resume} would refuse (an unknown data kind or precision, a negative
     * step, tokens the schedule does not add up to): a command that reports or exports the record must not pass on
     * what resume calls malformed. A model-only checkpoint has nothing to check.
     */
    static void requireValidRunState(Path file, dev.wafer.ports.checkpoint.CheckpointHeader header) {
        if (header.training().isPresent()) {
            try {
                RunStateHeaders.state(file, header);
            } catch (CheckpointException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    /** As {@link #requireValidRunState(Path, dev.wafer.ports.checkpoint.CheckpointHeader)}, reading the header. */
    static void requireValidRunState(CheckpointStore store, Path file) {
        try (CheckpointReader reader = store.open(file)) {
            requireValidRunState(file, reader.header());
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The one-line error for a model whose forward pass gave a NaN or infinity ({@code what}: the flag and path). */
    static UserError broken(String what, dev.wafer.domain.generate.NonFiniteOutputException e) {
        return new UserError(what + ": " + e.getMessage() + "; the model is broken (parameters so large that the"
                + " forward pass overflows, as after training with far too high a learning rate)");
    }

    /** The parameterisation of this model. */
    Parameterisation parameterisation() {
        return Parameterisations.of(kind, shape, mup);
    }

    /** Copies the parameters into {@code target}, whose layout must be this shape's. */
    void copyInto(ParameterSet target) {
        params.forEach((name, data) -> target.get(name).copyFromHost(data));
    }

    /** A new parameter set in {@code scope} holding this model's parameters. */
    ParameterSet upload(TensorScope scope) {
        ParameterSet set = new ParameterSet(new ParameterLayout(shape), scope);
        copyInto(set);
        return set;
    }
}
