package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --eval-batches N}, given, is refused for data without a validation split (a dataset prepared without
 * one, a token file), as for synthetic tokens; it was ignored without a word.
 */
class EvalBatchesWithoutValidationTest {
    @TempDir
    Path tmp;

    private static CliRun train(Path data, String... more) {
        String[] args = {"train", "--data", data.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
            "--seq", "32", "--batch", "2", "--steps", "1"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void evalBatchesAreRefusedWithoutAValidationSplit() throws IOException {
        Path ds = tmp.resolve("ds");
        assertEquals(0, CliRun.of("data", "prepare", "--out", ds.toString(), "--seq", "32", "--split", "0.8,0,0.2",
                "--quiet").exitCode());
        CliRun run = train(ds, "--eval-batches", "4");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --eval-batches 4: dataset " + ds + " has no validation split to score (prepared without"
                + " one); leave it out (or give --eval-batches 0)", run.err().strip());
        assertEquals(0, train(ds).exitCode(), "the default is no request");
        assertEquals(0, train(ds, "--eval-batches", "0").exitCode());

        Random random = new Random(3);
        ByteBuffer b = ByteBuffer.allocate(2 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4096; i++) {
            b.putShort((short) random.nextInt(50257));
        }
        Path tokens = Files.write(tmp.resolve("tokens.bin"), b.array());
        CliRun file = train(tokens, "--eval-batches", "4");
        assertEquals(2, file.exitCode(), file.err());
        assertEquals("wafer: --eval-batches 4: the token file " + tokens + " has no validation split to score;"
                + " leave it out (or give --eval-batches 0)", file.err().strip());
    }
}
