package dev.wafer.formats.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestsFileTest {
    @TempDir
    Path tmp;

    /**
     * The file written gets the permissions of any new file (the umask's): it was written through
     * Files.createTempFile and came out -rw------- whatever the umask.
     */
    @Test
    void theFileWrittenHasTheDefaultPermissionsOfANewFile() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "a POSIX file system");
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("reference")));
        assumeTrue(!usual.equals(PosixFilePermissions.fromString("rw-------")), "a umask that is not 077");
        Path file = tmp.resolve("requests.jsonl");
        try (RequestsFile out = new RequestsFile(file)) {
            out.commit();
        }
        assertEquals(PosixFilePermissions.toString(usual),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of("reference", "requests.jsonl"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
