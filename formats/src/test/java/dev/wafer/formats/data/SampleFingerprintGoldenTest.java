package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded sample prepared by this build has the fingerprint that checkpoints of earlier builds recorded for it,
 * so they resume on it. Builds before 2026-12-07 (e.g. 4be353a) recorded the first value below, builds of 2026-12-07
 * until the fingerprint left the inputs' SHA-256 out the second. A field added to the manifest that does not change
 * the tokens fails this test until the fingerprint leaves it out too ({@code DatasetManifestJson}); a change to the
 * sample's tokens fails it rightly, and then earlier checkpoints on the sample cannot resume.
 */
class SampleFingerprintGoldenTest {
    @TempDir
    Path cache;

    @Test
    void theSampleAtSeq32HasTheFingerprintEarlierBuildsRecorded() throws Exception {
        DatasetManifest manifest = ManifestJson.read(SampleDataset.ensure(cache, 32, Progress.NONE));
        assertEquals("manifest-sha256:a31580722187a9fe141ef944a0d3b8c4", manifest.fingerprint());
        assertTrue(manifest.identifiedBy("manifest-sha256:573aab07267cbd57b9e42ad85813d678"),
                "the fingerprint with the inputs' sha256, as builds of 2026-12-07 recorded it: "
                        + manifest.provenanceFingerprint());
    }
}
