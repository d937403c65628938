package dev.wafer.adapters.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The CUDA C sources of the kernels, read as class-path resources next to this class (so they load from the jar
 * as well as from Maven's target folder).
 */
final class KernelSources {
    /** Where the sources lie, relative to this package. */
    static final String FOLDER = "kernels/";

    private KernelSources() {
    }

    /** Every source file that defines a kernel of {@link CudaKernel}, in declaration order. */
    static List<String> files() {
        Set<String> files = new LinkedHashSet<>();
        for (CudaKernel k : CudaKernel.values()) {
            files.add(k.source());
        }
        return new ArrayList<>(files);
    }

    /** The kernels {@code file} defines. */
    static List<CudaKernel> kernels(String file) {
        List<CudaKernel> kernels = new ArrayList<>();
        for (CudaKernel k : CudaKernel.values()) {
            if (k.source().equals(file)) {
                kernels.add(k);
            }
        }
        return kernels;
    }

    /** The text of {@code file}. */
    static String read(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + FOLDER + file + " is missing from the class path"
                        + " of " + KernelSources.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + file, e);
        }
    }
}
