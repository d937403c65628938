package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.wafer.domain.audit.TrainedRows;
import dev.wafer.domain.session.DataKind;
import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * Rebuilds the rows of a dataset's train split that a checkpoint was trained on ({@link TrainedRows}), or says in one
 * line why they cannot be: a model-only checkpoint, a run on other data (its manifest fingerprint, and so its
 * documents, order or sequence length, differs from the audited dataset's), a window longer than the rows the run
 * fed, or a run that has drawn nothing yet.
 *
 * @param rows    the trained rows, when they could be rebuilt
 * @param refusal why not (naming the checkpoint and the dataset); empty when they could
 */
record TrainedRowsResolver(Optional<TrainedRows> rows, String refusal) {

    /**
     * @param model     the audited checkpoint
     * @param dataset   the audited dataset's directory
     * @param manifest  its manifest
     * @param trainRows packed rows of its train split
     * @param window    P + S tokens read from the start of each row
     */
    static TrainedRowsResolver resolve(CheckpointedModel model, Path dataset, DatasetManifest manifest,
                                       long trainRows, int window) {
        String ckpt = "--checkpoint " + model.file();
        if (model.training().isEmpty()) {
            return refused(ckpt + " holds no training state (a model-only checkpoint), so the rows it was trained on"
                    + " are unknown");
        }
        TrainingHeader run = model.training().get();
        TrainingHeader.Data data = run.data();
        if (data.kind().equals(DataKind.SYNTHETIC.id())) {
            return refused(ckpt + " was trained on synthetic tokens, not on --dataset " + dataset);
        }
        if (data.kind().equals(DataKind.TOKENS.id())) {
            return refused(ckpt + " was trained on the token file " + data.path() + ", not on --dataset " + dataset);
        }
        String trainedOn = data.path().isBlank() ? "the embedded sample" : data.path();
        String audited = manifest.fingerprint();
        if (data.fingerprint().isEmpty()) {
            boolean samePath = !data.path().isBlank()
                    && Path.of(data.path()).toAbsolutePath().normalize().equals(dataset.toAbsolutePath().normalize());
            if (!samePath) {
                return refused(ckpt + " records no data fingerprint (an older checkpoint) and was trained on "
                        + trainedOn + ", so its training order cannot be checked against --dataset " + dataset);
            }
        } else if (!manifest.identifiedBy(data.fingerprint())) {
            return refused(ckpt + " was trained on " + trainedOn + " (manifest fingerprint " + data.fingerprint()
                    + seqLenOf(data.path()) + ") but --dataset " + dataset + " is other data (fingerprint " + audited
                    + ", seq-len " + manifest.settings().seqLen() + "): its training order cannot be reconstructed on"
                    + " this dataset" + (data.kind().equals(DataKind.SAMPLE.id())
                    ? " (" + TrainedSample.hint(run.seqLength(), "--dataset") + ")" : ""));
        }
        if (window > run.seqLength()) {
            return refused("--prefix + --suffix = " + window + " tokens but " + ckpt + " was trained on the first "
                    + run.seqLength() + " tokens of each row of --dataset " + dataset + " (train --seq "
                    + run.seqLength() + ")");
        }
        if (run.position().dataPosition() == 0) {
            return refused(ckpt + " is at step " + run.position().step() + " and has been trained on no rows yet");
        }
        try {
            return new TrainedRowsResolver(Optional.of(TrainedRows.replay(trainRows, run.seed(),
                    run.position().dataPosition())), "");
        } catch (IllegalArgumentException e) {
            return refused("--dataset " + dataset + ": " + e.getMessage());
        }
    }

    private static TrainedRowsResolver refused(String why) {
        return new TrainedRowsResolver(Optional.empty(), why);
    }

    /** ", seq-len N" of the dataset at {@code path} when its manifest can still be read, else nothing. */
    private static String seqLenOf(String path) {
        if (path.isBlank() || !Files.isRegularFile(new DatasetLayout(Path.of(path)).manifest())) {
            return "";
        }
        try {
            return ", seq-len " + ManifestJson.read(Path.of(path)).settings().seqLen();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
