package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded sample prepared by this build has the fingerprint recorded now, and is identified by the fingerprints
 * that checkpoints of earlier builds recorded for it, so they resume on it. Builds before 2026-12-07 (e.g. 4be353a)
 * recorded the first legacy value below, builds of 2026-12-07 until the fingerprint left the inputs' SHA-256 out the
 * second; both depended on the inputs' paths, which the fingerprint recorded now ({@link DatasetIdentity}) leaves out.
 * A field added to the manifest that does not change the tokens fails this test until the fingerprints leave it out
 * too ({@code DatasetManifestJson}); a change to the sample's tokens fails it rightly, and then earlier checkpoints
 * on the sample cannot resume.
 */
class SampleFingerprintGoldenTest {
    @TempDir
    Path cache;

    @Test
    void theSampleAtSeq32HasTheFingerprintEarlierBuildsRecorded() throws Exception {
        DatasetManifest manifest = ManifestJson.read(SampleDataset.ensure(cache, 32, Progress.NONE));
        assertEquals("manifest-sha256:062db6a493c60385743350dee0eec36d", manifest.fingerprint(), "recorded now");
        assertTrue(manifest.identifiedBy("manifest-sha256:a31580722187a9fe141ef944a0d3b8c4"),
                "legacy: as builds before 2026-12-07 recorded it: " + manifest.earlierFingerprints());
        assertTrue(manifest.identifiedBy("manifest-sha256:573aab07267cbd57b9e42ad85813d678"),
                "legacy: with the inputs' sha256, as builds of 2026-12-07 recorded it: "
                        + manifest.earlierFingerprints());
    }
}
