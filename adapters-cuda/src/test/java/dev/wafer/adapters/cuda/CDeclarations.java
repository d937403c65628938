package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a C prototype into the FFM descriptor it needs on x86-64 Linux (LP64), from what the CUDA headers define
 * each type as: handles are pointers to opaque structs, {@code CUdeviceptr} is {@code unsigned long long},
 * {@code CUdevice} is {@code int}, status enums are {@code int}. Unknown types fail, so a new prototype cannot slip
 * through unmapped.
 */
final class CDeclarations {
    /** Each type the prototypes use, and the header typedef that makes it so (checked against cuda.h when present). */
    static final Map<String, MemoryLayout> TYPES = Map.ofEntries(
            Map.entry("int", JAVA_INT),
            Map.entry("unsigned int", JAVA_INT),
            Map.entry("float", JAVA_FLOAT),
            Map.entry("size_t", JAVA_LONG),
            Map.entry("CUresult", JAVA_INT),
            Map.entry("CUdevice", JAVA_INT),
            Map.entry("CUdevice_attribute", JAVA_INT),
            Map.entry("CUfunction_attribute", JAVA_INT),
            Map.entry("CUdeviceptr", JAVA_LONG),
            Map.entry("CUcontext", ADDRESS),
            Map.entry("CUmodule", ADDRESS),
            Map.entry("CUfunction", ADDRESS),
            Map.entry("CUstream", ADDRESS),
            Map.entry("CUevent", ADDRESS),
            Map.entry("nvrtcResult", JAVA_INT),
            Map.entry("nvrtcProgram", ADDRESS),
            Map.entry("cublasStatus_t", JAVA_INT),
            Map.entry("cublasHandle_t", ADDRESS),
            Map.entry("cudaStream_t", ADDRESS),
            Map.entry("cublasOperation_t", JAVA_INT),
            Map.entry("cublasMath_t", JAVA_INT),
            Map.entry("long long int", JAVA_LONG),
            Map.entry("cudaDataType", JAVA_INT),
            Map.entry("cublasComputeType_t", JAVA_INT),
            Map.entry("cublasGemmAlgo_t", JAVA_INT),
            Map.entry("libraryPropertyType", JAVA_INT),
            Map.entry("cublasLtHandle_t", ADDRESS),
            Map.entry("cublasLtMatmulDesc_t", ADDRESS),
            Map.entry("cublasLtMatrixLayout_t", ADDRESS),
            Map.entry("cublasLtMatmulPreference_t", ADDRESS),
            Map.entry("cublasLtMatmulDescAttributes_t", JAVA_INT),
            Map.entry("cublasLtMatmulPreferenceAttributes_t", JAVA_INT),
            Map.entry("cudaDataType_t", JAVA_INT),
            Map.entry("uint64_t", JAVA_LONG),
            Map.entry("int64_t", JAVA_LONG));

    private static final Pattern PROTOTYPE = Pattern.compile("^(.+?)\\b(\\w+)\\s*\\((.*)\\)\\s*;?$", Pattern.DOTALL);

    private CDeclarations() {
    }

    /** A prototype with whitespace collapsed and spaces around {@code *}, parentheses and commas normalised. */
    static String normalise(String text) {
        return text.replaceAll("\\s+", " ").replaceAll("\\s*\\*\\s*", " * ").replaceAll("\\s*([(),;])\\s*", "$1")
                .strip();
    }

    /** The function name a prototype declares. */
    static String name(String prototype) {
        return match(prototype).group(2);
    }

    /** The descriptor {@code prototype} needs. */
    static FunctionDescriptor descriptor(String prototype) {
        Matcher m = match(prototype);
        String returns = m.group(1).strip();
        String list = m.group(3).strip();
        List<MemoryLayout> params = new ArrayList<>();
        if (!list.isEmpty() && !list.equals("void")) {
            for (String p : list.split(",")) {
                params.add(parameter(p.strip()));
            }
        }
        MemoryLayout[] args = params.toArray(MemoryLayout[]::new);
        return returns.equals("void") ? FunctionDescriptor.ofVoid(args)
                : FunctionDescriptor.of(type(returns), args);
    }

    private static Matcher match(String prototype) {
        Matcher m = PROTOTYPE.matcher(prototype.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a C prototype: " + prototype);
        }
        return m;
    }

    /**
     * A named parameter: pointers of any kind (and arrays, which C passes as pointers) are addresses; otherwise the
     * type without the name.
     */
    private static MemoryLayout parameter(String declaration) {
        if (declaration.contains("*") || declaration.endsWith("[]")) {
            return ADDRESS;
        }
        int space = declaration.lastIndexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("parameter without a name: " + declaration);
        }
        return type(declaration.substring(0, space));
    }

    private static MemoryLayout type(String text) {
        if (text.contains("*")) {
            return ADDRESS;
        }
        String t = text.replace("const ", "").strip();
        MemoryLayout layout = TYPES.get(t);
        if (layout == null) {
            throw new IllegalArgumentException("no layout known for C type '" + t + "'");
        }
        return layout;
    }
}
