package dev.wafer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.PackageMatcher;
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
    /** JUnit and its assertion errors: the conformance and backend suites are test support shipped as main code. */
    private static final String[] JUNIT = {"org.junit..", "org.opentest4j.."};
    /** JSON: the checkpoint header, manifests, config.json, task files. */
    private static final String JACKSON = "com.fasterxml.jackson..";
    /**
     * The file formats' own libraries: JSON, the GPT-2 BPE, Hugging Face tokenizers, zstd input, PNG plots (through
     * ImageIO, the JDK's javax.imageio), PyTorch checkpoints' pickles (Pyrolite).
     */
    private static final String[] FORMAT_LIBRARIES = {JACKSON, "com.knuddels.jtokkit..", "ai.djl.huggingface..",
        "com.github.luben.zstd..", "org.knowm.xchart..", "javax.imageio..", "net.razorvine.pickle.."};

    private final String root;
    private final String ports;
    private final String domain;
    private final String adapters;
    private final String cpu;
    private final String opencl;
    private final String cuda;
    private final String mpi;
    private final String formats;
    private final String checkpoint;
    private final String fileio;
    private final String app;
    private final String cli;
    private final String conformance;
    private final String suite;
    private final String examples;

    private WaferArchitectureRules(String root) {
        this.root = root;
        this.ports = root + ".ports..";
        this.domain = root + ".domain..";
        this.adapters = root + ".adapters..";
        this.cpu = root + ".adapters.cpu..";
        this.opencl = root + ".adapters.opencl..";
        this.cuda = root + ".adapters.cuda..";
        this.mpi = root + ".adapters.mpi..";
        this.formats = root + ".formats..";
        this.checkpoint = root + ".formats.checkpoint..";
        this.fileio = root + ".formats.fileio..";
        this.app = root + ".app..";
        this.cli = root + ".app.cli..";
        this.conformance = root + ".conformance..";
        this.suite = root + ".suite..";
        this.examples = root + ".examples..";
    }

    /** The rules for the code under {@code root}, e.g. {@code dev.wafer}. */
    public static WaferArchitectureRules forRoot(String root) {
        return new WaferArchitectureRules(root);
    }

    /** Every rule, for running them all. */
    public List<ArchRule> all() {
        return List.of(portsDependOnlyOnTheJdk(), domainDependsOnlyOnPortsAndTheJdk(),
                cpuAdapterDependsOnlyOnPortsAndTheJdk(), openClAdapterDependsOnlyOnPortsTheJdkAndAparapi(),
                cudaAdapterDependsOnlyOnPortsAndTheJdk(), mpiAdapterDependsOnlyOnPortsAndTheJdk(),
                adaptersDoNotDependOnTheDomain(),
                adaptersDoNotDependOnEachOther(), onlyTheAppUsesDependencyInjection(),
                onlyCompositionRootsAndAdaptersNameAdapterClasses(), packagesAreFreeOfCycles(),
                noStandardStreamsOutsideTheCliAndExamples(), noJavaUtilLoggingOutsideTheCli(),
                conformanceDependsOnlyOnPortsTheJdkAndJUnit(), backendSuiteDependsOnlyOnDomainPortsConformanceAndJUnit(),
                onlyTestsUseTheBackendSuite(), examplesDependOnlyOnPortsDomainAndTheCpuAdapter(),
                onlyTheModelAssemblyBuildsModelsAndOptimizers(), formatsDependOnlyOnPortsDomainTheJdkAndTheirLibraries(),
                checkpointFormatDependsOnlyOnPortsAndTheJdk(), onlyTheCliUsesPicocli(),
                theCliNamesNoAdapterClass());
    }

    /**
     * The packages the rules name, each of which must contain classes, or a rule about it checks
     * nothing (buckpal's rules once named a package that did not exist).
     */
    public List<String> namedPackages() {
        return List.of(ports, domain, cpu, opencl, cuda, mpi, formats, checkpoint, fileio, app, cli, conformance, suite,
                examples);
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

    /** The MPI adapter reaches Open MPI through the JDK's FFM API: no JNI code, no mpi.jar, no other library. */
    public ArchRule mpiAdapterDependsOnlyOnPortsAndTheJdk() {
        return classes().that().resideInAPackage(mpi)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, mpi))
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

    /**
     * Only composition roots choose a concrete backend: the app, and the examples that embed Wafer without it.
     * Everyone else (the domain, the conformance and backend suites) sees ports.
     */
    public ArchRule onlyCompositionRootsAndAdaptersNameAdapterClasses() {
        return noClasses().that().resideOutsideOfPackages(app, examples, adapters)
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

    /**
     * Libraries report through return values and exceptions; only the CLI, and an example's {@code main} (a tiny
     * CLI of its own), talk to the terminal.
     */
    public ArchRule noStandardStreamsOutsideTheCliAndExamples() {
        return noClasses().that().resideOutsideOfPackages(cli, examples)
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

    /**
     * The kernel contracts and the reference backend test any backend through the ports alone: no domain, no
     * adapter, nothing but the JDK and JUnit.
     */
    public ArchRule conformanceDependsOnlyOnPortsTheJdkAndJUnit() {
        return classes().that().resideInAPackage(conformance)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(with(JDK, JUNIT), ports, conformance))
                .allowEmptyShould(true);
    }

    /**
     * The model-level backend suite runs the domain on the backend under test and compares with the conformance
     * reference: it names no adapter (each adapter's test supplies its backend) and nothing of the app.
     */
    public ArchRule backendSuiteDependsOnlyOnDomainPortsConformanceAndJUnit() {
        return classes().that().resideInAPackage(suite)
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(with(with(JDK, JUNIT), ports, domain, conformance, suite))
                .allowEmptyShould(true);
    }

    /** The backend suite is test support: adapters run it from their tests, no main code uses it. */
    public ArchRule onlyTestsUseTheBackendSuite() {
        return noClasses().that().resideOutsideOfPackage(suite)
                .should().dependOnClassesThat().resideInAPackage(suite)
                .allowEmptyShould(true);
    }

    /**
     * The embedding examples show Wafer as a library: ports, domain, the CPU adapter and the checkpoint format, wired
     * by hand. No app class, no Guice, no other adapter or format (so they run on any JDK 25 without native
     * libraries).
     */
    public ArchRule examplesDependOnlyOnPortsDomainAndTheCpuAdapter() {
        return classes().that().resideInAPackage(examples)
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(with(JDK, ports, domain, cpu, checkpoint, fileio, examples))
                .allowEmptyShould(true);
    }

    /**
     * Training, benchmarks, studies and evaluation all get their model (and optimizer) from the session's
     * {@code ModelAssembly}, so SP/muP rules and optimizer settings cannot drift apart between five call sites.
     */
    public ArchRule onlyTheModelAssemblyBuildsModelsAndOptimizers() {
        // Matched by simple name within the domain, so the planted fixtures need no packages of their own.
        String domainPrefix = root + ".domain.";
        DescribedPredicate<JavaConstructorCall> buildsModel = new DescribedPredicate<>(
                "constructs the domain's GptModel or AdamW") {
            @Override
            public boolean test(JavaConstructorCall call) {
                String owner = call.getTargetOwner().getFullName();
                String simple = call.getTargetOwner().getSimpleName();
                // A constructor delegating to another of its own class (this(...)) builds nothing new.
                boolean delegation = call.getOriginOwner().getFullName().equals(owner);
                return !delegation && owner.startsWith(domainPrefix)
                        && (simple.equals("GptModel") || simple.equals("AdamW"));
            }
        };
        return noClasses().that().doNotHaveSimpleName("ModelAssembly").or().resideOutsideOfPackage(domain)
                .should().callConstructorWhere(buildsModel)
                .allowEmptyShould(true);
    }

    /**
     * The file formats are adapters behind the ports: they use the domain's data types and use cases, and their own
     * libraries, but nothing of the command line, Guice or the compute backends.
     */
    public ArchRule formatsDependOnlyOnPortsDomainTheJdkAndTheirLibraries() {
        return classes().that().resideInAPackage(formats)
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(with(with(JDK, FORMAT_LIBRARIES), ports, domain, formats))
                .allowEmptyShould(true);
    }

    /**
     * Embedders take the checkpoint format without the rest of the formats: it (and the file plumbing it streams
     * tensors through) uses the ports and the JDK alone, its header JSON included, and nothing of the domain.
     */
    public ArchRule checkpointFormatDependsOnlyOnPortsAndTheJdk() {
        return classes().that().resideInAnyPackage(checkpoint, fileio)
                .should().onlyDependOnClassesThat().resideInAnyPackage(with(JDK, ports, checkpoint, fileio))
                .allowEmptyShould(true);
    }

    /** Flag parsing is the command line's business; everything else takes typed values. */
    public ArchRule onlyTheCliUsesPicocli() {
        return noClasses().that().resideOutsideOfPackage(cli)
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .allowEmptyShould(true);
    }

    /**
     * Commands get their adapters (backends, MPI, the checkpoint store, tokenizers, the dataset preparer) from the
     * composition root, the rest of the app (Guice modules, the cluster): a command names ports and domain types,
     * so swapping an adapter never touches the command line.
     */
    public ArchRule theCliNamesNoAdapterClass() {
        String checkpointPorts = root + ".ports.checkpoint";
        String textPorts = root + ".ports.text";
        DescribedPredicate<JavaClass> adapter = new DescribedPredicate<>("adapter classes (in " + adapters
                + ", or a checkpoint store, tokenizer or dataset preparer in " + formats + ")") {
            @Override
            public boolean test(JavaClass c) {
                if (PackageMatcher.of(adapters).matches(c.getPackageName())) {
                    return true;
                }
                if (!PackageMatcher.of(formats).matches(c.getPackageName()) || c.isInterface()) {
                    return false;
                }
                return c.getSimpleName().equals("DatasetPreparer") || c.getAllRawInterfaces().stream()
                        .map(JavaClass::getPackageName)
                        .anyMatch(p -> p.equals(checkpointPorts) || p.equals(textPorts));
            }
        };
        return noClasses().that().resideInAPackage(cli)
                .should().dependOnClassesThat(adapter)
                .allowEmptyShould(true);
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
