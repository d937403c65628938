package dev.wafer.app.cli;

import java.nio.file.Path;

import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.RunState;
import dev.wafer.formats.data.SampleDataset;
import dev.wafer.formats.tokens.TrainingDataFiles;

/**
 * Whether the data a run opens is the data its checkpoint recorded, for the run and its dry run alike: the same
 * fingerprint, or another one an earlier build recorded for the same data (a dataset's digests that depended on its
 * inputs' paths).
 */
final class ResumedData {
    private ResumedData() {
    }

    /**
     * The run with its data's fingerprint as this build computes it; a resume on other data is refused, with advice
     * that the same situation accepts.
     *
     * @throws UserError when the data is not the data the checkpoint recorded
     */
    static RunState withFingerprint(RunState state, TrainingDataFiles files) {
        DataSpec data = state.spec().data();
        String fingerprint = files.fingerprint();
        if (!data.fingerprint().isEmpty() && !files.identifiedBy(data.fingerprint())) {
            throw new UserError("--resume: " + otherData(state, fingerprint));
        }
        // Recorded as this build computes it, which the same tokens get wherever their corpus was read from; a
        // checkpoint that recorded an earlier build's fingerprint gets this one from its next save.
        return new RunState(state.spec().withData(data.withFingerprint(fingerprint)), state.position());
    }

    private static String otherData(RunState state, String fingerprint) {
        DataSpec data = state.spec().data();
        String fingerprints = " (fingerprint " + fingerprint + ", the checkpoint has " + data.fingerprint() + "); ";
        if (data.kind() != DataKind.SAMPLE) {
            return "the data at " + data.path() + " is not the data this run trained on" + fingerprints
                    + "pass --data with the same data (a moved copy is fine)";
        }
        // --data is refused for the sample (it has no file to move): the cache, or the build, is what differs.
        Path cached = SampleDataset.directory(SampleDataset.defaultCacheRoot(), state.spec().seqLength());
        return "the embedded sample prepared in " + cached + " is not the data this run trained on" + fingerprints
                + "if another Wafer build prepared it, delete " + cached + " and this build prepares it again; else"
                + " set WAFER_CACHE to the cache the run was trained with, or resume with the Wafer build that trained"
                + " it";
    }
}
