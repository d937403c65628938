package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.wafer.adapters.cuda.HostOnly;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The GPU check's test phases leave out the tests that run on host stand-ins and keep every test that can reach the
 * device: the {@link HostOnly} tag is read off the class files, not trusted.
 */
class TestChildTest {

    /** The stand-ins a host-only test runs the backend on, by simple name. */
    private static final Set<String> STAND_INS = Set.of("CudaSimulator", "SimulatedDevice", "SimulatedGpu",
            "SimulatedDriver", "FakeNativeLibrary", "RecordingGpu");

    @Test
    void everyTestOnAStandInIsHostOnlyAndNoOtherIs() {
        Map<String, Boolean> usesStandIn = standInUse();
        assertTrue(usesStandIn.size() > 30, "the CUDA adapter's test classes were not found: " + usesStandIn);
        assertTrue(usesStandIn.containsValue(true) && usesStandIn.containsValue(false), usesStandIn.toString());
        List<String> wrong = new java.util.ArrayList<>();
        usesStandIn.forEach((name, standIn) -> {
            if (standIn != hostOnly(name)) {
                wrong.add(name + (standIn ? " uses a stand-in but is not @HostOnly"
                        : " is @HostOnly but uses no stand-in"));
            }
        });
        assertEquals(List.of(), wrong, "stand-ins: " + STAND_INS);
        assertFalse(usesStandIn.get(TestSuite.TEST_PACKAGE + ".CudaBackendContractTest"));
        assertFalse(usesStandIn.get(TestSuite.TEST_PACKAGE + ".CudaBackendModelSuiteTest"));
    }

    @Test
    void theChildRunsExactlyTheClassesThatAreNotHostOnly() {
        TestPlan plan = LauncherFactory.create().discover(TestChild.request(List.of(
                TestChild.selector("package:" + TestSuite.TEST_PACKAGE))));
        Set<String> discovered = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier t : plan.getDescendants(root)) {
                t.getSource().filter(ClassSource.class::isInstance)
                        .ifPresent(s -> discovered.add(((ClassSource) s).getClassName()));
            }
        }
        Set<String> expected = new TreeSet<>();
        standInUse().forEach((name, standIn) -> {
            if (!standIn && !isAbstract(name)) {
                expected.add(name);
            }
        });
        assertEquals(expected, discovered);
        assertTrue(discovered.contains(TestSuite.TEST_PACKAGE + ".KernelCompilationTest"), discovered.toString());
    }

    /** Each test class of the CUDA adapter (its name ends in Test), and whether it or its superclasses use a stand-in. */
    private static Map<String, Boolean> standInUse() {
        JavaClasses classes = new ClassFileImporter().importPackages(TestSuite.TEST_PACKAGE);
        Map<String, Set<String>> used = new TreeMap<>();
        for (JavaClass c : classes) {
            String outer = c.getName().split("\\$")[0]; // lambdas' and inner classes' uses count for their class
            Set<String> targets = used.computeIfAbsent(outer, k -> new TreeSet<>());
            c.getDirectDependenciesFromSelf().forEach(d -> targets.add(d.getTargetClass().getSimpleName()));
        }
        Map<String, Boolean> result = new TreeMap<>();
        for (JavaClass c : classes) {
            if (c.getSimpleName().endsWith("Test") && !c.getName().contains("$")
                    && c.getPackageName().equals(TestSuite.TEST_PACKAGE)) {
                boolean standIn = false;
                for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getRawSuperclass()) {
                    standIn |= used.getOrDefault(k.get().getName(), Set.of()).stream().anyMatch(STAND_INS::contains);
                }
                result.put(c.getName(), standIn);
            }
        }
        return result;
    }

    private static boolean hostOnly(String className) {
        try {
            // @Inherited: a superclass's tag counts, as it does for JUnit.
            return Class.forName(className, false, TestChildTest.class.getClassLoader())
                    .isAnnotationPresent(HostOnly.class);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(className, e);
        }
    }

    private static boolean isAbstract(String className) {
        try {
            return java.lang.reflect.Modifier.isAbstract(Class.forName(className, false,
                    TestChildTest.class.getClassLoader()).getModifiers());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(className, e);
        }
    }
}
