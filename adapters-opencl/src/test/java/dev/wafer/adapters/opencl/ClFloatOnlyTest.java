package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The device program uses no double-precision arithmetic, read from the compiled classes as Aparapi translates them:
 * no double field, parameter, local, constant or instruction in any class of the kernel chain. Aparapi would then
 * enable {@code cl_khr_fp64}, and the program would not compile on the devices without it (many of Intel's and
 * Apple's GPUs) and run slowly on most others. On PoCL, which has doubles, nothing else would notice.
 */
class ClFloatOnlyTest {
    private static final List<Class<?>> CHAIN = List.of(ClDeviceArrays.class, ClElementwiseKernels.class,
            ClProductKernels.class, ClLayerKernels.class, ClAttentionKernels.class, ClProgram.class);

    @Test
    void theKernelChainHasNoDoubleArithmetic() {
        List<String> found = new ArrayList<>();
        for (Class<?> c : CHAIN) {
            ClassModel model = ClKernelSignatureTest.classModel(c);
            for (FieldModel f : model.fields()) {
                if (isDouble(f.fieldTypeSymbol())) {
                    found.add(c.getSimpleName() + "." + f.fieldName().stringValue() + ": a double field");
                }
            }
            for (MethodModel m : model.methods()) {
                String where = c.getSimpleName() + "." + m.methodName().stringValue();
                java.lang.constant.MethodTypeDesc type = m.methodTypeSymbol();
                if (isDouble(type.returnType()) || type.parameterList().stream().anyMatch(ClFloatOnlyTest::isDouble)) {
                    found.add(where + ": double in its signature");
                }
                m.code().ifPresent(code -> scan(where, code, found));
            }
        }
        assertTrue(found.isEmpty(), () -> "double-precision use in the device program: " + found);
    }

    /** The test would pass vacuously if it saw no code: it must see the kernels' float arithmetic. */
    @Test
    void theScanSeesTheKernels() {
        List<String> found = new ArrayList<>();
        ClassModel model = ClKernelSignatureTest.classModel(ClElementwiseKernels.class);
        for (MethodModel m : model.methods()) {
            m.code().ifPresent(code -> {
                for (CodeElement e : code) {
                    if (e instanceof Instruction i && i.opcode() == Opcode.FMUL) {
                        found.add(m.methodName().stringValue());
                    }
                }
            });
        }
        assertTrue(found.contains("phi") && found.contains("sumOfSquares"), () -> "float multiplications in " + found);
        // Every class between the arrays and the program is in the chain.
        assertEquals(ClProgram.class.getSuperclass(), ClAttentionKernels.class);
        assertEquals(ClAttentionKernels.class.getSuperclass(), ClLayerKernels.class);
        assertEquals(ClLayerKernels.class.getSuperclass(), ClProductKernels.class);
        assertEquals(ClProductKernels.class.getSuperclass(), ClElementwiseKernels.class);
        assertEquals(ClElementwiseKernels.class.getSuperclass(), ClDeviceArrays.class);
    }

    private static boolean isDouble(java.lang.constant.ClassDesc type) {
        ClassDesc element = type.isArray() ? type.componentType() : type;
        return element.equals(ConstantDescs.CD_double) || element.equals(ConstantDescs.CD_Double);
    }

    private static void scan(String where, CodeModel code, List<String> found) {
        for (CodeElement e : code) {
            if (e instanceof Instruction i) {
                Opcode op = i.opcode();
                boolean doubleOp = op.name().startsWith("D") || op.name().endsWith("2D") || op == Opcode.DCMPL
                        || op == Opcode.DCMPG;
                if (doubleOp && op != Opcode.DUP && !op.name().startsWith("DUP")) {
                    found.add(where + ": " + op);
                }
                if (i instanceof ConstantInstruction k && k.typeKind() == TypeKind.DOUBLE) {
                    found.add(where + ": double constant " + k.constantValue());
                }
            }
        }
    }
}
