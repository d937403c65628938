package dev.wafer.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Wafer's production code (every module on this test's class path) follows the architecture rules. */
class WaferArchitectureTest {
    private static final WaferArchitectureRules RULES = WaferArchitectureRules.forRoot("dev.wafer");
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.wafer");

    static Stream<Named<ArchRule>> rules() {
        return RULES.all().stream().map(rule -> Named.of(rule.getDescription(), rule));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void productionCodeFollows(ArchRule rule) {
        rule.check(PRODUCTION);
    }

    /**
     * A rule about a package without classes passes whatever the code does. Note: the domain module
     * may be empty on a branch that has not merged the domain's first classes yet; then this fails
     * for {@code dev.wafer.domain..}, on purpose.
     */
    @ParameterizedTest(name = "{0} has classes")
    @MethodSource("namedPackages")
    void everyPackageARuleNamesHasClasses(String packagePattern) {
        List<JavaClass> found = PRODUCTION.stream()
                .filter(c -> PackageMatcher.of(packagePattern).matches(c.getPackageName()))
                .toList();
        assertFalse(found.isEmpty(), () -> "no production classes in " + packagePattern
                + ": every rule that names it passes vacuously");
    }

    static List<String> namedPackages() {
        return RULES.namedPackages();
    }
}
