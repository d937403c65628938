package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.LocalVariableInfo;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.wafer.adapters.opencl.ClKernel.Param;

/**
 * The kernel table ({@link ClKernel}) against the code it describes, read from the compiled classes as Aparapi
 * reads them: each kernel method's parameter names and types, the registers {@link ClProgram#run()} passes to it
 * under its op code, and the registers {@link ClProgram#load} fills. With {@link ClArgs} checking every launch
 * against the table, an argument cannot reach the wrong parameter without a test failing, on a machine without
 * OpenCL too.
 */
class ClKernelSignatureTest {
    /** One kernel call of the dispatch: the op code guarding it, the method called and the registers passed. */
    record Call(int code, String entry, List<String> registers) {
    }

    @Test
    void everyKernelMethodTakesTheDeclaredParameters() {
        for (ClKernel k : ClKernel.values()) {
            List<String> declared = k.params().stream().map(p -> p.name() + ":" + (p.isInt() ? "I" : "F")).toList();
            assertEquals(declared, compiledSignature(k.family(), k.entry()),
                    () -> k + ": the table vs " + k.family().getSimpleName() + "." + k.entry());
        }
    }

    @Test
    void theDispatchPassesEachKernelItsRegistersInDeclaredOrder() {
        List<Call> calls = dispatch();
        Map<String, List<Call>> byEntry = calls.stream().collect(Collectors.groupingBy(Call::entry));
        for (ClKernel k : ClKernel.values()) {
            List<Call> mine = byEntry.getOrDefault(k.entry(), List.of());
            assertEquals(1, mine.size(), () -> "run() calls " + k.entry() + " " + mine.size() + " times");
            assertEquals(new Call(k.code(), k.entry(), registers(k)), mine.get(0), () -> k + " in run()");
        }
        Set<String> known = Set.of(ClKernel.values()).stream().map(ClKernel::entry).collect(Collectors.toSet());
        assertEquals(known, byEntry.keySet(), "kernels dispatched vs kernels in the table");
        assertEquals(ClKernel.values().length, Set.of(ClKernel.values()).stream().map(ClKernel::code).distinct()
                .count(), "op codes are distinct");
    }

    @Test
    void loadFillsTheRegistersTheDispatchReads() throws ReflectiveOperationException {
        ClProgram program = new ClProgram(16, 16, 16);
        for (ClKernel k : ClKernel.values()) {
            ClArgs args = ClArgs.of(k);
            Map<String, Number> expected = new HashMap<>();
            List<String> regs = registers(k);
            for (int i = 0; i < k.params().size(); i++) {
                Param p = k.params().get(i);
                switch (p.kind()) {
                    case BUFFER -> args.buffer(p.name(), 1000 + i);
                    case INT -> args.integer(p.name(), 1000 + i);
                    case FLOAT -> args.real(p.name(), 0.5f + i);
                }
                expected.put(regs.get(i), p.isInt() ? (Number) (1000 + i) : (Number) (0.5f + i));
            }
            program.load(args);
            assertEquals(k.code(), program.op, k.toString());
            for (Map.Entry<String, Number> e : expected.entrySet()) {
                assertEquals(e.getValue(), ClProgram.class.getDeclaredField(e.getKey()).get(program),
                        k + " register " + e.getKey());
            }
        }
    }

    @Test
    void theRegistersHoldTheLargestKernel() {
        int ints = 0;
        int floats = 0;
        for (ClKernel k : ClKernel.values()) {
            long i = k.params().stream().filter(Param::isInt).count();
            ints = Math.max(ints, (int) i);
            floats = Math.max(floats, k.params().size() - (int) i);
        }
        assertEquals(ints, ClProgram.INT_REGISTERS, "int registers");
        assertEquals(floats, ClProgram.FLOAT_REGISTERS, "float registers");
    }

    @Test
    void theReaderSeesSwappedRegistersAndNames() {
        // The planted dispatch below swaps fill's first two arguments and misnames one parameter.
        assertEquals(List.of(new Call(0, "fill", List.of("i1", "i0", "f0"))), dispatch(Planted.class));
        assertEquals(List.of("out:I", "count:I", "value:F"), compiledSignature(Planted.class, "fill"));
        assertTrue(!registers(ClKernel.FILL).equals(dispatch(Planted.class).get(0).registers()));
    }

    /** A dispatch with a planted mismatch, for the test of the reader itself. */
    @SuppressWarnings("unused")
    static final class Planted {
        int op;
        int i0;
        int i1;
        float f0;

        void fill(int out, int count, float value) {
        }

        public void run() {
            if (op == 0) {
                fill(i1, i0, f0);
            }
        }
    }

    /** The registers the dispatch should pass to {@code k}: ints and buffers in i0.., floats in f0.., in order. */
    static List<String> registers(ClKernel k) {
        List<String> r = new ArrayList<>();
        int ints = 0;
        int floats = 0;
        for (Param p : k.params()) {
            r.add(p.isInt() ? "i" + ints++ : "f" + floats++);
        }
        return r;
    }

    /** {@code name:descriptor} of each parameter of {@code family.entry}, from the bytecode and its variable table. */
    static List<String> compiledSignature(Class<?> family, String entry) {
        List<MethodModel> found = classModel(family).methods().stream()
                .filter(m -> m.methodName().equalsString(entry)).toList();
        assertEquals(1, found.size(), () -> family.getSimpleName() + " defines " + entry + " " + found.size()
                + " times");
        MethodModel m = found.get(0);
        CodeModel code = m.code().orElseThrow();
        Map<Integer, String> names = new HashMap<>();
        code.findAttribute(Attributes.localVariableTable())
                .orElseThrow(() -> new AssertionError(entry + " was compiled without a variable table (-g)"))
                .localVariables().stream().filter(v -> v.startPc() == 0)
                .forEach((LocalVariableInfo v) -> names.put(v.slot(), v.name().stringValue()));
        List<String> params = new ArrayList<>();
        int slot = 1;
        for (ClassDesc t : m.methodTypeSymbol().parameterList()) {
            assertTrue(t.equals(ConstantDescs.CD_int) || t.equals(ConstantDescs.CD_float),
                    () -> entry + " takes a " + t.displayName() + ", which no register carries");
            params.add(names.get(slot) + ":" + t.descriptorString());
            slot++;
        }
        return params;
    }

    /** The kernel calls of {@link ClProgram#run()}, in order. */
    static List<Call> dispatch() {
        return dispatch(ClProgram.class);
    }

    /** The kernel calls of {@code program}'s {@code run()}, in order. */
    static List<Call> dispatch(Class<?> program) {
        MethodModel run = classModel(program).methods().stream()
                .filter(m -> m.methodName().equalsString("run")).findFirst().orElseThrow();
        List<Call> calls = new ArrayList<>();
        List<String> registers = new ArrayList<>();
        boolean afterOp = false;
        int code = -1;
        for (CodeElement e : run.code().orElseThrow()) {
            if (e instanceof FieldInstruction f && f.opcode() == Opcode.GETFIELD) {
                afterOp = f.name().equalsString("op");
                if (!afterOp) {
                    registers.add(f.name().stringValue());
                }
            } else if (e instanceof ConstantInstruction c && afterOp) {
                code = ((Number) c.constantValue()).intValue();
                afterOp = false;
            } else if (e instanceof BranchInstruction && afterOp) {
                code = 0; // op == 0 compiles to a branch on op itself
                afterOp = false;
            } else if (e instanceof InvokeInstruction i) {
                calls.add(new Call(code, i.name().stringValue(), List.copyOf(registers)));
                registers.clear();
            }
        }
        return calls;
    }

    static java.lang.classfile.ClassModel classModel(Class<?> c) {
        try (InputStream in = c.getResourceAsStream(c.getName().substring(c.getPackageName().length() + 1)
                + ".class")) {
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new AssertionError("cannot read the class file of " + c, e);
        }
    }
}
