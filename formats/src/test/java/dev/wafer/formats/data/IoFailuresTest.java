package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;
import dev.wafer.ports.data.UnreadableInputException;

/**
 * The reason of a failed read is spelled out in the message: Java puts "permission denied" only in the exception's
 * type, which is lost when the message travels from the reading rank to rank 0 as text (issue #22). The real
 * permission-denied case, under mpirun and as an unprivileged user, is {@code UnreadableInputTest} in {@code app}.
 */
class IoFailuresTest {
    private static final DocumentVisitor NOTHING = new DocumentVisitor() {
        @Override
        public void document(RawDocument document) {
        }

        @Override
        public void malformed(MalformedRecord record) {
        }
    };

    @Test
    void theReasonIsInTheWords() {
        assertEquals("permission denied", IoFailures.reason(new AccessDeniedException("/x/y.jsonl")));
        assertEquals("no such file or directory", IoFailures.reason(new NoSuchFileException("/x/y.jsonl")));
        assertEquals("input/output error",
                IoFailures.reason(new FileSystemException("/x/y.jsonl", null, "Input/output error")));
        assertEquals("Input/output error", IoFailures.reason(new IOException("Input/output error")));
        assertEquals("FileSystemException", IoFailures.reason(new FileSystemException("/x/y.jsonl")));
    }

    @Test
    void aSourceThatCannotBeOpenedNamesItsInputAndTheReason() {
        PileJsonlSource source = new PileJsonlSource("/x/y.jsonl", 10, () -> {
            throw new AccessDeniedException("/x/y.jsonl");
        }, n -> { });
        UnreadableInputException e = assertThrows(UnreadableInputException.class, () -> source.read(NOTHING));
        assertEquals("cannot read --input /x/y.jsonl: permission denied", e.getMessage());
        PileJsonlSource sample = new PileJsonlSource("embedded:sample.jsonl.zst", -1, () -> {
            throw new IOException("Input/output error");
        }, n -> { });
        assertEquals("cannot read embedded:sample.jsonl.zst: Input/output error",
                assertThrows(UnreadableInputException.class, () -> sample.read(NOTHING)).getMessage());
    }

    @Test
    void anUnreadableInputExceptionIsKeptAsItIs() {
        UnreadableInputException first = new UnreadableInputException("cannot read --input a: permission denied");
        assertSame(first, IoFailures.unreadableInput("b", first));
    }
}
