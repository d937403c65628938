package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code wafer} launcher script itself, run by bash: a copy of it (and of {@code bin/find-jdk25}) in a scratch
 * checkout whose {@code app/target/wafer.jar} is a one-class probe, so the script's own logic (JDK, start-up cache)
 * is what is tested, without building the project.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    /** The probe's main: says it ran, with its arguments. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("probe ran " + String.join(" ", args));
            System.out.println("probe user.home=" + System.getProperty("user.home"));
            if (args.length > 0 && args[args.length - 1].startsWith("/")) {
                try {
                    System.out.println("probe file exists: " + Files.exists(Path.of(args[args.length - 1])));
                } catch (java.nio.file.InvalidPathException e) {
                    System.out.println("probe file refused: " + e.getClass().getSimpleName());
                }
            }
            if (System.getenv("OMPI_COMM_WORLD_SIZE") != null || System.getenv("PMIX_RANK") != null) {
                System.out.println("probe is an MPI rank");
            }
            System.out.println("probe LD_PRELOAD=" + System.getenv("LD_PRELOAD"));
            System.out.println("probe LD_LIBRARY_PATH=" + System.getenv("LD_LIBRARY_PATH"));
            try {
                System.out.println("probe libjsig mapped: "
                        + Files.readString(Path.of("/proc/self/maps")).contains("/libjsig.so"));
            } catch (IOException e) {
                System.out.println("probe maps unreadable");
            }
        }
    }

    private Path checkout() throws IOException {
        return checkout(tmp.resolve("checkout"));
    }

    private Path checkout(Path at) throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(repo.resolve("wafer"))) {
            repo = repo.getParent();
        }
        Path root = Files.createDirectories(at);
        Files.createDirectories(root.resolve("bin"));
        Files.copy(repo.resolve("wafer"), root.resolve("wafer"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(repo.resolve("bin/find-jdk25"), root.resolve("bin/find-jdk25"), StandardCopyOption.COPY_ATTRIBUTES);
        Path jar = Files.createDirectories(root.resolve("app/target")).resolve("wafer.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             InputStream in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            j.putNextEntry(new JarEntry(entry));
            in.transferTo(j);
            j.closeEntry();
        }
        return root;
    }

    private CliRun launch(Path root, Map<String, String> env, List<String> unset, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("wafer").toString()));
        command.addAll(List.of(args));
        return run(command, env, unset);
    }

    private CliRun run(List<String> command, Map<String, String> env, List<String> unset) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("WAFER_JAVA_OPTS");
        pb.environment().remove("WAFER_AOT");
        pb.environment().putAll(env);
        unset.forEach(pb.environment()::remove);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish in 120 s");
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<Path> caches(Path aot) throws IOException {
        try (Stream<Path> files = Files.list(aot)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
        }
    }

    /**
     * The launcher preloads the JDK's libjsig (signal chaining), ahead of a user's own LD_PRELOAD, so that a native
     * library such as PoCL's LLVM cannot take SIGSEGV from the JVM (docs/reliability.md, "Signal handlers").
     */
    @Test
    void theJvmRunsWithSignalChaining() throws Exception {
        Path root = checkout();
        String jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so").toString();
        CliRun alone = launch(root, Map.of("WAFER_AOT", "0"), List.of("LD_PRELOAD"), "x");
        assertEquals(0, alone.exitCode(), alone.err());
        assertTrue(alone.out().contains("probe LD_PRELOAD=" + jsig + "\n"), alone.out());
        assertTrue(alone.out().contains("probe libjsig mapped: true"), alone.out());
        CliRun withUsers = launch(root, Map.of("WAFER_AOT", "0", "LD_PRELOAD", "libc.so.6"), List.of(), "x");
        assertEquals(0, withUsers.exitCode(), withUsers.err());
        assertTrue(withUsers.out().contains("probe LD_PRELOAD=" + jsig + ":libc.so.6\n"), withUsers.out());
    }

    @Test
    void runsWithoutHome() throws Exception {
        Path root = checkout();
        // Without HOME the cache goes where Java's user.home is (the password database); what this run adds there
        // is removed afterwards.
        Path aot = Path.of(System.getProperty("user.home"), ".cache", "wafer", "aot");
        Set<Path> before = new HashSet<>();
        if (Files.isDirectory(aot)) {
            try (Stream<Path> files = Files.list(aot)) {
                files.forEach(before::add);
            }
        }
        try {
            CliRun run = launch(root, Map.of(), List.of("HOME", "WAFER_CACHE"), "version");
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("probe ran version"), run.out() + run.err());
            assertFalse(run.err().contains("unbound"), run.err());
        } finally {
            if (Files.isDirectory(aot)) {
                try (Stream<Path> files = Files.list(aot)) {
                    for (Path f : files.toList()) {
                        if (!before.contains(f) && f.getFileName().toString().startsWith("wafer-")) {
                            Files.deleteIfExists(f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theStartUpCacheOfAnMpiRankIsMadeByASingleProcess() throws Exception {
        // Each machine of a job makes its own cache at its first mpirun; the training run used to inherit the rank's
        // launch variables, join the job as a rank and hang until the lock's timeout, then break the rank's start.
        Path root = checkout();
        Path cacheDir = tmp.resolve("cache");
        CliRun rank = launch(root, Map.of("WAFER_CACHE", cacheDir.toString(), "OMPI_COMM_WORLD_SIZE", "2",
                "PMIX_RANK", "1", "SLURM_NTASKS", "2"), List.of(), "one");
        assertEquals(0, rank.exitCode(), rank.err());
        assertTrue(rank.err().contains("creating the start-up cache"), rank.err());
        assertTrue(rank.out().contains("probe ran one") && rank.out().contains("probe is an MPI rank"), rank.out());
        String training = Files.readString(cacheDir.resolve("aot").resolve("training.log"));
        assertTrue(training.contains("probe ran data prepare"), training);
        assertFalse(training.contains("probe is an MPI rank"), training);
        assertEquals(1, caches(cacheDir.resolve("aot")).size());
    }

    @Test
    void aDamagedStartUpCacheIsSkippedThenReplaced() throws Exception {
        Path root = checkout();
        Path cacheDir = tmp.resolve("cache");
        Map<String, String> env = Map.of("WAFER_CACHE", cacheDir.toString());
        CliRun first = launch(root, env, List.of(), "one");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("creating the start-up cache"), first.err());
        List<Path> made = caches(cacheDir.resolve("aot"));
        assertEquals(1, made.size(), made.toString());
        Path cache = made.getFirst();

        long seed = 20261204L;
        Random random = new Random(seed);
        byte[] bytes = Files.readAllBytes(cache);
        for (int i = 0; i < 200; i++) {
            int at = 4096 + random.nextInt(bytes.length - 4096);
            bytes[at] ^= (byte) 0xff;
        }
        Files.write(cache, bytes);

        CliRun damaged = launch(root, env, List.of(), "two");
        assertEquals(0, damaged.exitCode(), "seed " + seed + ": " + damaged.out() + damaged.err());
        assertTrue(damaged.out().contains("probe ran two"), damaged.out());
        try (Stream<Path> files = Files.list(tmp.resolve("work"))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }

        CliRun next = launch(root, env, List.of(), "three");
        assertEquals(0, next.exitCode(), next.err());
        assertTrue(next.out().contains("probe ran three"), next.out());
        assertTrue(next.err().contains("damaged") && next.err().contains("creating the start-up cache"), next.err());
        assertFalse(java.util.Arrays.equals(bytes, Files.readAllBytes(cache)), "the damaged cache was kept");

        CliRun after = launch(root, env, List.of(), "four");
        assertEquals(0, after.exitCode(), after.err());
        assertFalse(after.err().contains("damaged") || after.err().contains("creating"), after.err());
    }

    /**
     * Run through a symbolic link (a ~/bin/wafer; it looked for bin/find-jdk25 beside the link), with a JVM option that
     * chooses class-data sharing itself (the JVM refused the cache with it and did not start), and with a TMPDIR that
     * does not exist (mktemp failed every command): each runs the command.
     */
    @Test
    void runsThroughALinkWithSharingOptionsAndWithoutATemporaryFolder() throws Exception {
        Path root = checkout();
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("wafer"), root.resolve("wafer"));
        CliRun viaLink = launch(linked, Map.of("WAFER_AOT", "0"), List.of(), "version");
        assertEquals(0, viaLink.exitCode(), viaLink.err());
        assertTrue(viaLink.out().contains("probe ran version"), viaLink.out() + viaLink.err());
        CliRun sharing = launch(root, Map.of("WAFER_CACHE", tmp.resolve("cache1").toString(), "WAFER_JAVA_OPTS",
                "-Xshare:off"), List.of(), "version");
        assertEquals(0, sharing.exitCode(), sharing.err());
        assertTrue(sharing.out().contains("probe ran version"), sharing.out() + sharing.err());
        CliRun noTmp = launch(root, Map.of("WAFER_CACHE", tmp.resolve("cache2").toString(), "TMPDIR",
                tmp.resolve("no-such-folder").toString()), List.of(), "version");
        assertEquals(0, noTmp.exitCode(), noTmp.err());
        assertTrue(noTmp.out().contains("probe ran version"), noTmp.out() + noTmp.err());
        assertTrue(noTmp.err().contains("cannot make a temporary folder"), noTmp.err());
    }

    /**
     * WAFER_AOT takes the usual spellings of off and on in any case (WAFER_AOT=off made the cache all the same), and
     * a value that is neither is refused in one line naming the variable and the accepted values.
     */
    @Test
    void theStartUpCacheSwitchTakesTheUsualSpellingsAndRefusesOthers() throws Exception {
        Path root = checkout();
        for (String off : List.of("0", "off", "FALSE", "No")) {
            Path cacheDir = tmp.resolve("cache-" + off);
            CliRun run = launch(root, Map.of("WAFER_CACHE", cacheDir.toString(), "WAFER_AOT", off), List.of(), "one");
            assertEquals(0, run.exitCode(), off + ": " + run.err());
            assertTrue(run.out().contains("probe ran one"), off + ": " + run.out() + run.err());
            assertFalse(run.err().contains("creating the start-up cache"), off + ": " + run.err());
            assertFalse(Files.exists(cacheDir), off + ": the cache folder was made");
        }
        CliRun on = launch(root, Map.of("WAFER_CACHE", tmp.resolve("cache-on").toString(), "WAFER_AOT", "Yes"),
                List.of(), "one");
        assertEquals(0, on.exitCode(), on.err());
        assertTrue(on.err().contains("creating the start-up cache"), on.err());
        CliRun odd = launch(root, Map.of("WAFER_CACHE", tmp.resolve("cache-odd").toString(), "WAFER_AOT", "maybe"),
                List.of(), "one");
        assertEquals(2, odd.exitCode(), odd.out() + odd.err());
        assertEquals("", odd.out());
        assertEquals(1, odd.err().strip().lines().count(), odd.err());
        assertTrue(odd.err().startsWith("wafer: WAFER_AOT=maybe") && odd.err().contains("off")
                && odd.err().contains("on"), odd.err());
    }

    /**
     * With HOME set elsewhere, Java's user.home (the sample corpus, the kernel caches) and the start-up cache both
     * follow it; Java took the password database's home and the launcher HOME, so they parted.
     */
    @Test
    void javaAndTheStartUpCacheFollowHome() throws Exception {
        Path root = checkout();
        Path home = Files.createDirectories(tmp.resolve("other-home"));
        CliRun run = launch(root, Map.of("HOME", home.toString()), List.of("WAFER_CACHE"), "one");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("probe user.home=" + home + "\n"), run.out());
        assertEquals(1, caches(home.resolve(".cache/wafer/aot")).size(), run.err());
        Path moved = tmp.resolve("moved-home");
        CliRun opt = launch(root, Map.of("HOME", home.toString(), "WAFER_JAVA_OPTS", "-Duser.home=" + moved),
                List.of("WAFER_CACHE"), "two");
        assertEquals(0, opt.exitCode(), opt.err());
        assertTrue(opt.out().contains("probe user.home=" + moved + "\n"), opt.out());
        assertEquals(1, caches(moved.resolve(".cache/wafer/aot")).size(), opt.err());
    }

    /**
     * Under the C locale (LC_ALL=C, or no locale variable at all) a file name with non-ASCII letters was refused by
     * the JVM, whose file-name encoding followed the locale: where C.UTF-8 is installed, the launcher uses it.
     */
    @Test
    void nonAsciiFileNamesWorkUnderTheCLocale() throws Exception {
        Process list = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
        List<String> locales = new String(list.getInputStream().readAllBytes()).lines().toList();
        list.waitFor();
        Assumptions.assumeTrue(locales.contains("C.UTF-8") || locales.contains("C.utf8"), "no C.UTF-8 locale");
        Path root = checkout();
        Path dir = Files.createDirectories(tmp.resolve("files"));
        // The name is made by bash from its UTF-8 bytes, whatever this JVM's own file-name encoding is.
        String script = "f=\"$1/d$(printf '\\303\\244')t$(printf '\\303\\244').jsonl\"; : >\"$f\"; "
                + "exec bash \"$0\" data prepare --input \"$f\"";
        for (Map<String, String> locale : List.of(Map.of("LC_ALL", "C"), Map.<String, String>of())) {
            CliRun run = run(List.of("bash", "-c", script, root.resolve("wafer").toString(), dir.toString()),
                    merged(locale, Map.of("WAFER_AOT", "0")), Stream.of("LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES")
                    .filter(name -> !locale.containsKey(name)).toList());
            assertEquals(0, run.exitCode(), locale + ": " + run.err());
            assertTrue(run.out().contains("probe file exists: true"), locale + ": " + run.out());
        }
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }

    /** Makes the checkout's jar older than a (new) main source, as after a pull. */
    private static void sourcesChanged(Path root) throws IOException {
        Path source = Files.createDirectories(root.resolve("app/src/main/java")).resolve("Changed.java");
        Files.writeString(source, "class Changed {}\n");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(root.resolve("app/target/wafer.jar")).toMillis() + 60_000));
    }

    /**
     * pip's NVIDIA wheels (PyTorch's) keep NVRTC, cuBLAS and cuBLASLt in {@code site-packages/nvidia/*}{@code /lib}:
     * for a command on the cuda backend ({@code --backend cuda} or {@code --backend=cuda}, or
     * {@code WAFER_BACKEND=cuda} without a {@code --backend}) the launcher adds those folders after the user's
     * {@code LD_LIBRARY_PATH}, as the GPU check's launcher does; until 2026-12-07 it added none, and the backend was
     * refused where only the wheels had the libraries. Any other command does not even start python3 (0.1 s, up to a
     * second through a pyenv shim).
     */
    @Test
    void theCudaBackendFindsPipsNvidiaLibrariesAndOtherCommandsDoNotAskPython() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not on PATH");
        Path root = checkout();
        // The wheels' folders in a Python site folder (the user one, which PYTHONUSERBASE moves): CUDA 13's keep
        // every library in nvidia/cu13/lib, CUDA 12's one folder per library (nvidia/cublas/lib).
        Path userBase = tmp.resolve("python-user");
        ProcessBuilder ask = new ProcessBuilder("python3", "-c", "import site; print(site.getusersitepackages())");
        ask.environment().put("PYTHONUSERBASE", userBase.toString());
        Process site = ask.start();
        Path sitePackages = Path.of(new String(site.getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).strip());
        assertEquals(0, site.waitFor(), sitePackages.toString());
        List<String> wheels = List.of(sitePackages.resolve("nvidia/cu13/lib").toString(),
                sitePackages.resolve("nvidia/cublas/lib").toString());
        for (String lib : wheels) {
            Files.createDirectories(Path.of(lib));
        }
        // python3 through a wrapper that notes each start, ahead of the real one.
        Path bin = Files.createDirectories(tmp.resolve("python-bin"));
        Path started = tmp.resolve("python-started");
        Path wrapper = bin.resolve("python3");
        Files.writeString(wrapper, "#!/usr/bin/env bash\necho started >> '" + started + "'\nPATH='"
                + System.getenv("PATH") + "' exec python3 \"$@\"\n");
        assertTrue(wrapper.toFile().setExecutable(true));
        Map<String, String> env = new java.util.HashMap<>(Map.of("WAFER_AOT", "0", "PYTHONUSERBASE",
                userBase.toString(), "PATH", bin + ":" + System.getenv("PATH"), "LD_LIBRARY_PATH", "/users/lib"));

        for (List<String> args : List.of(List.of("train", "--backend", "cuda"), List.of("--backend=cuda", "bench"))) {
            CliRun run = launch(root, env, List.of("WAFER_BACKEND"), args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
            List<String> path = libraryPath(run);
            assertEquals("/users/lib", path.get(0), args + ": the user's folders first: " + path);
            assertTrue(path.containsAll(wheels), args + ": " + path);
        }
        env.put("WAFER_BACKEND", " cuda ");
        List<String> fromEnv = libraryPath(launch(root, env, List.of(), "train"));
        assertEquals("/users/lib", fromEnv.get(0), fromEnv.toString());
        assertTrue(fromEnv.containsAll(wheels), fromEnv.toString());
        env.remove("LD_LIBRARY_PATH");
        List<String> alone = libraryPath(launch(root, env, List.of("LD_LIBRARY_PATH"), "train"));
        assertTrue(alone.containsAll(wheels) && !alone.contains("") && !alone.contains("null"), alone.toString());
        long cudaStarts = Files.readAllLines(started).size();
        assertEquals(4, cudaStarts, "python3 asked once a cuda command");

        // The flag wins over WAFER_BACKEND, as in the CLI; and without cuda nothing is added, nor python3 started.
        env.put("LD_LIBRARY_PATH", "/users/lib");
        for (List<String> args : List.of(List.of("train", "--backend", "cpu"), List.of("--backend=opencl", "train"),
                List.of("version"))) {
            if (args.equals(List.of("version"))) {
                env.remove("WAFER_BACKEND");
            }
            CliRun run = launch(root, env, List.of(), args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
            assertEquals(List.of("/users/lib"), libraryPath(run), args + ": " + run.out());
        }
        assertEquals(cudaStarts, Files.readAllLines(started).size(), "python3 started for a command not on cuda");
    }

    /** The probe's LD_LIBRARY_PATH, split at ':'. */
    private static List<String> libraryPath(CliRun run) {
        String line = run.out().lines().filter(l -> l.startsWith("probe LD_LIBRARY_PATH=")).findFirst()
                .orElseThrow(() -> new AssertionError("the probe did not run: " + run.out() + run.err()));
        return List.of(line.substring("probe LD_LIBRARY_PATH=".length()).split(":", -1));
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** A PATH of links to every command on this one but {@code mvn}. */
    private Path pathWithoutMaven() throws IOException {
        Path tools = Files.createDirectories(tmp.resolve("no-maven-bin"));
        for (String dir : System.getenv("PATH").split(":")) {
            if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Path link = tools.resolve(f.getFileName().toString());
                    if (!f.getFileName().toString().equals("mvn") && Files.isExecutable(f) && !Files.exists(link,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        return tools;
    }

    /**
     * A jar older than the sources where Maven is not installed, or in a checkout the user cannot write, or with
     * building turned off: one line saying what is wrong and what to do (it was "mvn: command not found" in the build
     * log, or bash's "Permission denied" on the lock file), or the old jar run as asked.
     */
    @Test
    void aJarThatCannotBeBuiltIsExplainedInOneLine() throws Exception {
        Path root = checkout();
        sourcesChanged(root);
        Path tools = pathWithoutMaven();
        Map<String, String> noMaven = Map.of("PATH", tools.toString(), "WAFER_AOT", "0");
        CliRun missing = launch(root, noMaven, List.of(), "one");
        assertEquals(1, missing.exitCode(), missing.out() + missing.err());
        assertEquals(List.of("wafer: app/target/wafer.jar is older than the sources (app/src/main/java/Changed.java)"
                + " and Maven (mvn) is not on PATH to build it; install Maven (e.g. apt-get install maven), or set"
                + " WAFER_BUILD=0 to run the jar as it is"), missing.err().lines().toList());
        CliRun old = launch(root, merged(noMaven, Map.of("WAFER_BUILD", "0")), List.of(), "one");
        assertEquals(0, old.exitCode(), old.err());
        assertTrue(old.out().contains("probe ran one"), old.out());
        CliRun odd = launch(root, merged(noMaven, Map.of("WAFER_BUILD", "later")), List.of(), "one");
        assertEquals(2, odd.exitCode(), odd.err());
        assertTrue(odd.err().startsWith("wafer: WAFER_BUILD=later is not understood"), odd.err());
        // Removed here, since JUnit warns of every link to outside its folder it deletes.
        try (Stream<Path> links = Files.list(tools)) {
            for (Path link : links.toList()) {
                Files.delete(link);
            }
        }

        // Read-only: as root, whom permissions do not stop, the launcher runs as nobody.
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root0 = new String(id.getInputStream().readAllBytes()).strip().equals("0");
        id.waitFor();
        List<String> command = new ArrayList<>();
        if (root0) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "root without setpriv");
            for (Path start : List.of(tmp.getParent(), Path.of(System.getProperty("java.home")))) {
                for (Path p = start; p != null; p = p.getParent()) {
                    Assumptions.assumeTrue(Files.getPosixFilePermissions(p).contains(
                            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE), p + " is closed to nobody");
                }
            }
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of("bash", root.resolve("wafer").toString(), "two"));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Map<String, String> env = Map.of("WAFER_AOT", "0", "HOME", tmp.toString());
            CliRun readOnly = run(command, env, List.of());
            assertEquals(1, readOnly.exitCode(), readOnly.out() + readOnly.err());
            assertEquals(List.of("wafer: app/target/wafer.jar is older than the sources"
                    + " (app/src/main/java/Changed.java) and the checkout " + root + " is read-only, so it cannot be"
                    + " built there; run ./wafer in a writable copy of the checkout, or set WAFER_BUILD=0 to run the"
                    + " jar as it is"), readOnly.err().lines().toList());
            CliRun asIs = run(command, merged(env, Map.of("WAFER_BUILD", "off")), List.of());
            assertEquals(0, asIs.exitCode(), asIs.err());
            assertTrue(asIs.out().contains("probe ran two"), asIs.out());
        } finally {
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * A checkout whose path has a ':' runs (the JDK split -jar's path there and found no main class), with its
     * start-up cache, and builds through a link without the ':' (Maven and javac split class paths on it too).
     */
    @Test
    void aCheckoutWithAColonInItsPathRunsAndBuilds() throws Exception {
        Path root = checkout(tmp.resolve("a:b").resolve("checkout"));
        Map<String, String> env = Map.of("WAFER_CACHE", tmp.resolve("cache").toString());
        CliRun first = launch(root, env, List.of(), "one");
        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("probe ran one"), first.out() + first.err());
        assertTrue(first.err().contains("creating the start-up cache"), first.err());
        assertEquals(1, caches(tmp.resolve("cache/aot")).size(),
                Files.readString(tmp.resolve("cache/aot/training.log")));
        CliRun second = launch(root, env, List.of(), "two");
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("probe ran two"), second.out());
        assertFalse(second.err().contains("start-up cache"), second.err());

        // The build: a stand-in mvn that refuses any ':' in its folder or arguments and freshens the jar.
        sourcesChanged(root);
        Path bin = Files.createDirectories(tmp.resolve("fake-maven"));
        Files.writeString(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                for a in "$PWD" "$@"; do
                  case "$a" in *:*) echo "mvn was given a path with a colon: $a"; exit 1 ;; esac
                done
                touch app/target/wafer.jar
                """);
        Files.setPosixFilePermissions(bin.resolve("mvn"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        CliRun built = launch(root, merged(env, Map.of("PATH", bin + ":" + System.getenv("PATH"), "TMPDIR",
                scratch.toString())), List.of(), "three");
        assertEquals(0, built.exitCode(), built.err() + Files.readString(root.resolve(".wafer-build.log")));
        assertTrue(built.err().contains("building"), built.err());
        assertTrue(built.out().contains("probe ran three"), built.out());
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList(), "the link to the checkout was left behind");
        }
    }
}
