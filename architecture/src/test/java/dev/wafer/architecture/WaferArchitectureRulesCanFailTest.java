package dev.wafer.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule reports the violations planted under {@code fixture.wafer}, naming the offending class,
 * and does not report the fixture classes that follow it. A rule that cannot fail protects nothing.
 */
class WaferArchitectureRulesCanFailTest {
    private static final WaferArchitectureRules RULES = WaferArchitectureRules.forRoot("fixture.wafer");
    private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages("fixture.wafer");

    private static String violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(FIXTURES);
        assertTrue(result.hasViolation(), () -> "no violation reported by: " + rule.getDescription());
        return String.join("\n", result.getFailureReport().getDetails());
    }

    private static void assertReports(ArchRule rule, Class<?> offender) {
        String report = violations(rule);
        assertTrue(report.contains(offender.getName()), () -> offender.getName() + " not in:\n" + report);
    }

    /** The rule accepts a class that follows it: it is not simply against everything in its package. */
    private static void assertDoesNotReport(ArchRule rule, Class<?> follower) {
        EvaluationResult result = rule.evaluate(new ClassFileImporter().importClasses(follower));
        assertFalse(result.hasViolation(), () -> follower.getName() + " wrongly reported:\n" + result.getFailureReport());
    }

    static Stream<Named<ArchRule>> rules() {
        return RULES.all().stream().map(rule -> Named.of(rule.getDescription(), rule));
    }

    /** Catches a rule added to {@link WaferArchitectureRules#all()} without a planted violation. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRuleHasAPlantedViolation(ArchRule rule) {
        assertTrue(rule.evaluate(FIXTURES).hasViolation(), rule::getDescription);
    }

    @Test
    void portsOnTheJdk() {
        assertReports(RULES.portsDependOnlyOnTheJdk(), fixture.wafer.ports.PortUsingDomain.class);
        assertDoesNotReport(RULES.portsDependOnlyOnTheJdk(), fixture.wafer.ports.CleanPort.class);
    }

    @Test
    void domainOnPorts() {
        assertReports(RULES.domainDependsOnlyOnPortsAndTheJdk(), fixture.wafer.domain.GuiceUsingDomainClass.class);
        assertReports(RULES.domainDependsOnlyOnPortsAndTheJdk(), fixture.wafer.domain.DomainUsingCpuAdapter.class);
        assertDoesNotReport(RULES.domainDependsOnlyOnPortsAndTheJdk(), fixture.wafer.domain.DomainModel.class);
    }

    @Test
    void cpuAdapterOnPortsAndJdk() {
        assertReports(RULES.cpuAdapterDependsOnlyOnPortsAndTheJdk(), fixture.wafer.adapters.cpu.CpuUsingOpenCl.class);
        assertDoesNotReport(RULES.cpuAdapterDependsOnlyOnPortsAndTheJdk(), fixture.wafer.adapters.cpu.CpuKernels.class);
    }

    @Test
    void openClAdapterOnPortsJdkAndAparapi() {
        ArchRule rule = RULES.openClAdapterDependsOnlyOnPortsTheJdkAndAparapi();
        assertReports(rule, fixture.wafer.adapters.opencl.ClUsingDomain.class);
        assertDoesNotReport(rule, fixture.wafer.adapters.opencl.ClKernels.class);
    }

    @Test
    void cudaAdapterOnPortsAndJdk() {
        assertReports(RULES.cudaAdapterDependsOnlyOnPortsAndTheJdk(), fixture.wafer.adapters.cuda.CudaUsingCpu.class);
    }

    @Test
    void mpiAdapterOnPortsAndJdk() {
        assertReports(RULES.mpiAdapterDependsOnlyOnPortsAndTheJdk(), fixture.wafer.adapters.mpi.MpiUsingDomain.class);
        assertDoesNotReport(RULES.mpiAdapterDependsOnlyOnPortsAndTheJdk(), fixture.wafer.adapters.mpi.MpiComm.class);
    }

    @Test
    void adaptersNotOnTheDomain() {
        assertReports(RULES.adaptersDoNotDependOnTheDomain(), fixture.wafer.adapters.opencl.ClUsingDomain.class);
        assertReports(RULES.adaptersDoNotDependOnTheDomain(), fixture.wafer.adapters.mpi.MpiUsingDomain.class);
    }

    @Test
    void adaptersIndependentOfEachOther() {
        assertReports(RULES.adaptersDoNotDependOnEachOther(), fixture.wafer.adapters.cpu.CpuUsingOpenCl.class);
        assertReports(RULES.adaptersDoNotDependOnEachOther(), fixture.wafer.adapters.cuda.CudaUsingCpu.class);
    }

    @Test
    void injectionOnlyInTheApp() {
        assertReports(RULES.onlyTheAppUsesDependencyInjection(), fixture.wafer.domain.GuiceUsingDomainClass.class);
        assertDoesNotReport(RULES.onlyTheAppUsesDependencyInjection(), fixture.wafer.app.cli.CliPrinter.class);
    }

    @Test
    void adapterClassesNamedOnlyByCompositionRoots() {
        ArchRule rule = RULES.onlyCompositionRootsAndAdaptersNameAdapterClasses();
        assertReports(rule, fixture.wafer.domain.DomainUsingCpuAdapter.class);
        assertReports(rule, fixture.wafer.suite.SuiteUsingCpuAdapter.class);
        assertReports(rule, fixture.wafer.formats.data.ShardUsingCpuAdapter.class);
        assertDoesNotReport(rule, fixture.wafer.app.wiring.AdapterWiring.class);
        assertDoesNotReport(rule, fixture.wafer.examples.EmbeddedMain.class);
    }

    @Test
    void noPackageCycles() {
        // Evaluated on the planted cycle's packages alone: among all the fixtures ArchUnit reports only a few of the
        // many cycles the other planted violations create, and which ones depends on how many slices there are.
        ArchRule rule = RULES.packagesAreFreeOfCycles();
        EvaluationResult result = rule.evaluate(new ClassFileImporter().importPackages("fixture.wafer.domain.cycle"));
        assertTrue(result.hasViolation(), rule::getDescription);
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(fixture.wafer.domain.cycle.a.CycleA.class.getName())
                && report.contains(fixture.wafer.domain.cycle.b.CycleB.class.getName()), report);
    }

    @Test
    void noStandardStreamsOutsideTheCliAndExamples() {
        ArchRule rule = RULES.noStandardStreamsOutsideTheCliAndExamples();
        assertReports(rule, fixture.wafer.domain.Printing.class);
        assertDoesNotReport(rule, fixture.wafer.app.cli.CliPrinter.class);
        assertDoesNotReport(rule, fixture.wafer.examples.EmbeddedMain.class);
    }

    @Test
    void noJavaUtilLoggingOutsideTheCli() {
        assertReports(RULES.noJavaUtilLoggingOutsideTheCli(), fixture.wafer.domain.JulLogging.class);
    }

    @Test
    void conformanceOnPortsJdkAndJUnit() {
        ArchRule rule = RULES.conformanceDependsOnlyOnPortsTheJdkAndJUnit();
        assertReports(rule, fixture.wafer.conformance.ConformanceUsingDomain.class);
        assertDoesNotReport(rule, fixture.wafer.conformance.CleanContract.class);
    }

    @Test
    void backendSuiteOnDomainPortsConformanceAndJUnit() {
        ArchRule rule = RULES.backendSuiteDependsOnlyOnDomainPortsConformanceAndJUnit();
        assertReports(rule, fixture.wafer.suite.SuiteUsingCpuAdapter.class);
        assertDoesNotReport(rule, fixture.wafer.suite.CleanSuite.class);
    }

    @Test
    void backendSuiteOnlyInTests() {
        ArchRule rule = RULES.onlyTestsUseTheBackendSuite();
        assertReports(rule, fixture.wafer.app.AppUsingSuite.class);
        assertDoesNotReport(rule, fixture.wafer.app.cli.CliPrinter.class);
    }

    @Test
    void examplesWithoutTheAppOrGuice() {
        ArchRule rule = RULES.examplesDependOnlyOnPortsDomainAndTheCpuAdapter();
        assertReports(rule, fixture.wafer.examples.ExampleUsingApp.class);
        assertReports(rule, fixture.wafer.examples.ExampleUsingGuice.class);
        assertReports(rule, fixture.wafer.examples.ExampleUsingDatasetFormat.class);
        assertDoesNotReport(rule, fixture.wafer.examples.EmbeddedMain.class);
    }

    @Test
    void formatsOnPortsDomainJdkAndTheirLibraries() {
        ArchRule rule = RULES.formatsDependOnlyOnPortsDomainTheJdkAndTheirLibraries();
        assertReports(rule, fixture.wafer.formats.data.ShardUsingCpuAdapter.class);
        assertReports(rule, fixture.wafer.formats.data.FormatParsingFlags.class);
        assertDoesNotReport(rule, fixture.wafer.formats.data.ShardFile.class);
        assertDoesNotReport(rule, fixture.wafer.formats.checkpoint.FileStore.class);
    }

    @Test
    void checkpointFormatOnPortsAndJdk() {
        ArchRule rule = RULES.checkpointFormatDependsOnlyOnPortsAndTheJdk();
        assertReports(rule, fixture.wafer.formats.checkpoint.CheckpointUsingDomain.class);
        assertDoesNotReport(rule, fixture.wafer.formats.checkpoint.FileStore.class);
    }

    @Test
    void picocliOnlyInTheCli() {
        ArchRule rule = RULES.onlyTheCliUsesPicocli();
        assertReports(rule, fixture.wafer.formats.data.FormatParsingFlags.class);
        assertDoesNotReport(rule, fixture.wafer.app.cli.CliFlags.class);
    }

    @Test
    void theCliNamesNoAdapterClass() {
        ArchRule rule = RULES.theCliNamesNoAdapterClass();
        assertReports(rule, fixture.wafer.app.cli.CommandNewingStore.class);
        assertReports(rule, fixture.wafer.app.cli.CommandUsingCpuAdapter.class);
        assertDoesNotReport(rule, fixture.wafer.app.cli.CliFlags.class);
        assertDoesNotReport(rule, fixture.wafer.app.cli.CliPrinter.class);
    }

    @Test
    void onlyTheAssemblyBuildsModels() {
        ArchRule rule = RULES.onlyTheModelAssemblyBuildsModelsAndOptimizers();
        assertReports(rule, fixture.wafer.app.HandBuiltModel.class);
        assertDoesNotReport(rule, fixture.wafer.domain.ModelAssembly.class);
    }
}
