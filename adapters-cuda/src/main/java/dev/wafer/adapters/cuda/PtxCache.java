package dev.wafer.adapters.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Compiled PTX on disk, keyed by the source's SHA-256, the NVRTC version and the target architecture, so each
 * kernel file is compiled once per machine and architecture. A cache that cannot be read or written is skipped
 * (the kernels are then compiled at every start), never an error.
 */
final class PtxCache {
    private final Path dir;

    PtxCache(Path dir) {
        this.dir = dir;
    }

    /** The cache file of one compilation, e.g. {@code layernorm-3fa4c1d2e5b60718-nvrtc11.8-compute_90.ptx}. */
    Path file(String sourceName, String source, int nvrtcVersion, int arch) {
        String base = sourceName.endsWith(".cu") ? sourceName.substring(0, sourceName.length() - 3) : sourceName;
        return dir.resolve(base + "-" + sha256(source).substring(0, 16) + "-nvrtc"
                + NvrtcApi.versionText(nvrtcVersion) + "-compute_" + arch + ".ptx");
    }

    /** The cache file of one CUBIN, e.g. {@code layernorm-3fa4c1d2e5b60718-nvrtc12.8-sm_90.cubin}. */
    Path cubinFile(String sourceName, String source, int nvrtcVersion, int arch) {
        String ptx = file(sourceName, source, nvrtcVersion, arch).getFileName().toString();
        return dir.resolve(ptx.substring(0, ptx.lastIndexOf("-compute_")) + "-sm_" + arch + ".cubin");
    }

    /** A cached binary image (a CUBIN: an ELF file), if present and not empty. */
    Optional<byte[]> loadBinary(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                byte[] image = Files.readAllBytes(file);
                if (image.length > 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F') {
                    return Optional.of(image);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The cache directory. */
    Path dir() {
        return dir;
    }

    /**
     * PTX of {@code sourceName} with exactly this source, for {@code arch}, compiled by any NVRTC version: what a
     * machine without NVRTC runs when the cache was filled elsewhere ({@link PtxPrecompiler}).
     */
    Optional<byte[]> loadAnyCompiler(String sourceName, String source, int arch) {
        String prefix = file(sourceName, source, 0, arch).getFileName().toString();
        String head = prefix.substring(0, prefix.indexOf("-nvrtc") + "-nvrtc".length());
        String tail = "-compute_" + arch + ".ptx";
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(head) && n.endsWith(tail))
                    .sorted(java.util.Comparator.reverseOrder())
                    .map(n -> load(dir.resolve(n)))
                    .flatMap(Optional::stream)
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The cached PTX (NUL-terminated), if present. */
    Optional<byte[]> load(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                byte[] ptx = Files.readAllBytes(file);
                if (ptx.length > 0 && ptx[ptx.length - 1] == 0) {
                    return Optional.of(ptx);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Stores PTX atomically (a temporary file moved into place); failures leave the cache as it was. */
    void store(Path file, byte[] ptx) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, ptx);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // A read-only home or a full disk: compile again next time.
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
