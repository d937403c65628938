package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wafer.adapters.cuda.CPrototypes.Prototype;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every FFM downcall descriptor of the adapter equals the one its C prototype needs ({@link CPrototypes}, copied from
 * the CUDA headers); where a CUDA toolkit's {@code cuda.h} is installed, the driver prototypes, the macro renames
 * ({@code cuMemAlloc} to {@code cuMemAlloc_v2}) and the typedefs the mapping relies on are read from it too.
 */
class BindingDescriptorTest {
    /** Every binding table of the adapter, by the library it binds. */
    static Map<String, Map<String, FunctionDescriptor>> bindings() {
        Map<String, Map<String, FunctionDescriptor>> b = new LinkedHashMap<>();
        b.put("FfmCudaDriver (probe)", FfmCudaDriver.FUNCTIONS);
        b.put("DriverApi", DriverApi.FUNCTIONS);
        b.put("NvrtcApi", NvrtcApi.FUNCTIONS);
        b.put("CublasApi", CublasApi.FUNCTIONS);
        b.put("CublasLtApi", CublasLtApi.FUNCTIONS);
        return b;
    }

    private static Map<String, Prototype> bySymbol() {
        Map<String, Prototype> m = new LinkedHashMap<>();
        for (Prototype p : CPrototypes.ALL) {
            m.put(p.symbol(), p);
        }
        return m;
    }

    @Test
    void everyDescriptorMatchesItsPrototype() {
        Map<String, Prototype> prototypes = bySymbol();
        List<String> wrong = new ArrayList<>();
        for (var binding : bindings().entrySet()) {
            for (var f : binding.getValue().entrySet()) {
                Prototype p = prototypes.get(f.getKey());
                assertNotNull(p, () -> binding.getKey() + " binds " + f.getKey() + ", which has no prototype");
                FunctionDescriptor expected = CDeclarations.descriptor(p.text());
                if (!expected.equals(f.getValue())) {
                    wrong.add(binding.getKey() + "." + f.getKey() + ": " + f.getValue() + ", but " + p.header()
                            + " declares " + p.text() + " -> " + expected);
                }
                assertEquals(p.declared(), CDeclarations.name(p.text()), p.symbol());
            }
        }
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
    }

    @Test
    void everyPrototypeIsBound() {
        Set<String> bound = new HashSet<>();
        bindings().values().forEach(m -> bound.addAll(m.keySet()));
        for (Prototype p : CPrototypes.ALL) {
            assertTrue(bound.contains(p.symbol()), () -> p.symbol() + " has a prototype but no binding");
        }
    }

    @Test
    void theMappingTellsWrongDescriptorsApart() {
        assertEquals(FunctionDescriptor.of(JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG),
                CDeclarations.descriptor("CUresult cuMemFree(CUdeviceptr dptr);"));
        assertNotEquals(FunctionDescriptor.of(JAVA_INT, ADDRESS),
                CDeclarations.descriptor("CUresult cuMemFree(CUdeviceptr dptr);"));
        assertEquals(FunctionDescriptor.of(ADDRESS, JAVA_INT),
                CDeclarations.descriptor("const char *nvrtcGetErrorString(nvrtcResult result);"));
        assertEquals(FunctionDescriptor.of(JAVA_INT), CDeclarations.descriptor("CUresult cuCtxSynchronize(void);"));
    }

    /** The first {@code cuda.h} of an installed toolkit, if any. */
    static Optional<Path> cudaHeader() {
        Path local = Path.of("/usr/local");
        if (!Files.isDirectory(local)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(local)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("cuda"))
                    .map(d -> d.resolve("include/cuda.h")).filter(Files::isRegularFile).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String header() throws IOException {
        Optional<Path> h = cudaHeader();
        assumeTrue(h.isPresent(), "no /usr/local/cuda*/include/cuda.h here: driver prototypes checked against the"
                + " table only");
        // Comments out, so that a prototype in a comment does not count.
        return Files.readString(h.get()).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    @Test
    void driverPrototypesMatchTheInstalledCudaHeader() throws IOException {
        String header = header();
        List<String> wrong = new ArrayList<>();
        for (Prototype p : CPrototypes.of(CPrototypes.CUDA_H)) {
            Matcher m = Pattern.compile("CUresult\\s+CUDAAPI\\s+" + p.declared() + "\\s*\\(([^;]*)\\)\\s*;")
                    .matcher(header);
            if (!m.find()) {
                wrong.add(p.declared() + " is not declared in cuda.h");
                continue;
            }
            String declared = CDeclarations.normalise("CUresult " + p.declared() + "(" + m.group(1) + ");");
            if (!declared.equals(CDeclarations.normalise(p.text()))) {
                wrong.add(p.declared() + ": cuda.h declares " + declared + ", the table has "
                        + CDeclarations.normalise(p.text()));
            }
        }
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
    }

    @Test
    void boundSymbolsAreTheOnesCudaHeaderCallsByDefault() throws IOException {
        String header = header();
        for (Prototype p : CPrototypes.of(CPrototypes.CUDA_H)) {
            Matcher rename = Pattern.compile("#define\\s+" + p.declared() + "\\s+(?:__CUDA_API_PT[DS][SZ]\\()?(\\w+)")
                    .matcher(header);
            if (p.symbol().equals(p.declared())) {
                // Either no macro, or one for the per-thread-stream variant only (which the default build keeps).
                while (rename.find()) {
                    String target = rename.group(1);
                    assertTrue(target.equals(p.declared()), () -> "cuda.h renames " + p.declared() + " to " + target
                            + "; bind that");
                }
            } else {
                assertTrue(rename.find(), () -> "cuda.h has no #define " + p.declared() + " for " + p.symbol());
                assertEquals(p.symbol(), rename.group(1), "the symbol cuda.h maps " + p.declared() + " to");
            }
        }
    }

    @Test
    void typedefsTheMappingReliesOnAreInTheInstalledCudaHeader() throws IOException {
        String header = header().replaceAll("\\s+", " ");
        for (String typedef : List.of("typedef unsigned long long CUdeviceptr_v2;",
                "typedef CUdeviceptr_v2 CUdeviceptr;", "typedef int CUdevice_v1;", "typedef CUdevice_v1 CUdevice;",
                "typedef struct CUctx_st *CUcontext;", "typedef struct CUmod_st *CUmodule;",
                "typedef struct CUfunc_st *CUfunction;", "typedef struct CUevent_st *CUevent;",
                "typedef struct CUstream_st *CUstream;", "} CUresult;", "} CUdevice_attribute;",
                "CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = " + DriverApi.COMPUTE_CAPABILITY_MAJOR + ",",
                "CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = " + DriverApi.COMPUTE_CAPABILITY_MINOR + ",")) {
            assertTrue(header.contains(typedef), () -> "cuda.h lacks '" + typedef + "'");
        }
    }
}
