package dev.wafer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.List;

/**
 * Wafer's architecture rules for the code under one root package. Parameterised by the root so that
 * the same rules run against production code ({@code dev.wafer}) and against planted violations
 * (a fixture root), which proves that every rule can fail.
 *
 * <p>Each rule allows an empty selection: whether the packages it names have classes at all is
 * checked once, by {@link #namedPackages()}, so an empty package shows up as that, not as a
 * confusing failure of every rule that mentions it.
 */
public final class WaferArchitectureRules {
    /** The JDK's own packages. {@code javax..} is left out: much of it (javax.inject) is not the JDK. */
    private static final String[] JDK = {"java..", "jdk.."};
    private static final String[] INJECTION = {"com.google.inject..", "jakarta.inject..", "javax.inject.."};

    private final String root;
    private final String ports;
    private final String domain;
    private final String adapters;
    private final String cpu;
    private final String opencl;
    private final String cuda;
    private final String app;
    private final String cli;

    private WaferArchitectureRules(String root) {
        this.root = root;
        this.ports = root + ".ports..";
        this.domain = root + ".domain..";
        this.adapters = root + ".adapters..";
        this.cpu = root + ".adapters.cpu..";
        this.opencl = root + ".adapters.opencl..";
        this.cuda = root + ".adapters.cuda..";
        this.app = root + ".app..";
        this.cli = root + ".app.cli..";
    }

    /** The rules for the code under {@code root}, e.g. {@code dev.wafer}. */
    public static WaferArchitectureRules forRoot(String root) {
        return new WaferArchitectureRules(root);
    }

    /** Every rule, for running them all. */
    public List<ArchRule> all() {
        return List.of(portsDependOnlyOnTheJdk(), domainDependsOnlyOnPortsAndTheJdk(),
                cpuAdapterDependsOnlyOnPortsAndTheJdk(), openClAdapterDependsOnlyOnPortsTheJdkAndAparapi(),
                cudaAdapterDependsOnlyOnPortsAndTheJdk(), adaptersDoNotDependOnTheDomain(),
                adaptersDoNotDependOnEachOther(), onlyTheAppUsesDependencyInjection(),
                onlyTheAppAndAdaptersNameAdapterClasses(), packagesAreFreeOfCycles(),
                noStandardStreamsOutsideTheCli(), noJavaUtilLoggingOutsideTheCli());
    }

    /**
     * The packages the rules name, each of which must contain classes, or a rule about it checks
     * nothing (buckpal's rules once named a package that did not exist).
     */
    public List<String> namedPackages() {
        return List.of(ports, domain, cpu, opencl, cuda, app, cli);
    }

    /** Ports are what library users embed on Java 21: nothing but the JDK. */
    public ArchRule portsDependOnlyOnTheJdk() {
        return classes().that().resideInAPackage(ports)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports))
                .allowEmptyShould(true);
    }

    /** The domain speaks to backends and IO only through ports. */
    public ArchRule domainDependsOnlyOnPortsAndTheJdk() {
        return classes().that().resideInAPackage(domain)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, domain))
                .allowEmptyShould(true);
    }

    /** The CPU backend is pure Java. */
    public ArchRule cpuAdapterDependsOnlyOnPortsAndTheJdk() {
        return classes().that().resideInAPackage(cpu)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, cpu))
                .allowEmptyShould(true);
    }

    /** The OpenCL backend adds Aparapi and nothing else. */
    public ArchRule openClAdapterDependsOnlyOnPortsTheJdkAndAparapi() {
        return classes().that().resideInAPackage(opencl)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, opencl, "com.aparapi.."))
                .allowEmptyShould(true);
    }

    /** The CUDA backend reaches the driver through the JDK's FFM API, so it needs no library. */
    public ArchRule cudaAdapterDependsOnlyOnPortsAndTheJdk() {
        return classes().that().resideInAPackage(cuda)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, cuda))
                .allowEmptyShould(true);
    }

    /** Adapters implement ports; the domain calls them, never the other way round. */
    public ArchRule adaptersDoNotDependOnTheDomain() {
        return noClasses().that().resideInAPackage(adapters)
                .should().dependOnClassesThat().resideInAPackage(domain)
                .allowEmptyShould(true);
    }

    /** Backends mirror each other; one reusing another's classes would couple their availability. */
    public ArchRule adaptersDoNotDependOnEachOther() {
        return slices().matching(root + ".adapters.(*)..").should().notDependOnEachOther()
                .allowEmptyShould(true);
    }

    /** Guice is the composition root's business: libraries stay usable without it. */
    public ArchRule onlyTheAppUsesDependencyInjection() {
        return noClasses().that().resideOutsideOfPackage(app)
                .should().dependOnClassesThat().resideInAnyPackage(INJECTION)
                .allowEmptyShould(true);
    }

    /** Only the composition root chooses a concrete backend; everyone else sees ports. */
    public ArchRule onlyTheAppAndAdaptersNameAdapterClasses() {
        return noClasses().that().resideOutsideOfPackages(app, adapters)
                .should().dependOnClassesThat().resideInAPackage(adapters)
                .allowEmptyShould(true);
    }

    /**
     * No cycles between packages. Each package is its own slice ({@code root.(**)}): Maven already
     * forbids cycles between modules, and slicing by the first segment would put all adapters into
     * one slice, so a module-level rule would check next to nothing.
     */
    public ArchRule packagesAreFreeOfCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .allowEmptyShould(true);
    }

    /** Libraries report through return values and exceptions; only the CLI talks to the terminal. */
    public ArchRule noStandardStreamsOutsideTheCli() {
        return noClasses().that().resideOutsideOfPackage(cli)
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .allowEmptyShould(true);
    }

    /**
     * As for the standard streams. ArchUnit's own {@code USE_JAVA_UTIL_LOGGING} only sees logger
     * fields, so any dependency on the package counts here.
     */
    public ArchRule noJavaUtilLoggingOutsideTheCli() {
        return noClasses().that().resideOutsideOfPackage(cli)
                .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
                .as("no classes outside " + cli + " should use java.util.logging")
                .allowEmptyShould(true);
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
