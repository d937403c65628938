package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * Two network namespaces joined by a veth pair: two machines on one link, rehearsed on one host. Namespace
 * {@link #first} holds {@value #ADDRESS_0}, {@link #second} {@value #ADDRESS_1}, each on an interface named
 * {@value #INTERFACE} (created inside the namespaces, so it never clashes with the host's), with {@code lo} up.
 * {@link #mpirun} starts a 2-rank job across them as on two machines: {@code mpirun} runs in the first namespace and
 * starts the second host's daemon through a launcher agent that does what {@code ssh HOST COMMAND} does, with
 * {@code ip netns exec NS sh -c COMMAND}; Open MPI talks TCP only ({@code btl tcp,self}: no shared memory).
 *
 * <p>Names are unique per run ({@code wafer-test-PID-N-0/1}); {@link #close} kills what is left inside and deletes
 * both (the veth pair goes with them), a shutdown hook does the same if the JVM is stopped first, and namespaces of a
 * test JVM that was killed outright are removed by the next {@link #create}. Needs root and a working
 * {@code ip netns}; tests skip otherwise, unless {@value #EXPECT_ENV}{@code =1} (CI as root), where they fail.
 */
final class NetnsPair implements AutoCloseable {
    static final String EXPECT_ENV = "WAFER_EXPECT_NETNS";
    static final String INTERFACE = "wafer0";
    static final String ADDRESS_0 = "10.77.0.1";
    static final String ADDRESS_1 = "10.77.0.2";
    private static final String PREFIX = "wafer-test-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+-[01]");
    /** The ip command, found once (it lives in /usr/sbin, which a non-login PATH may lack). */
    private static final String IP = onPath("ip").map(Path::toString).orElse("ip");

    final String first;
    final String second;
    private final Path agent;
    private final Path hostfile;
    private final Path agentLog;
    private final Thread hook;

    private NetnsPair(String first, String second, Path dir) throws IOException {
        this.first = first;
        this.second = second;
        this.agent = dir.resolve("netns-agent");
        this.hostfile = dir.resolve("hosts");
        this.agentLog = dir.resolve("netns-agent.log");
        this.hook = new Thread(this::removeQuietly, "netns-teardown");
    }

    /**
     * Creates the pair, with its launcher agent and hostfile in {@code dir}; skips the test (fails it under
     * {@value #EXPECT_ENV}=1) when this is not root or {@code ip netns} does not work here.
     */
    static NetnsPair create(Path dir) throws Exception {
        require(isRoot(), "network namespaces need root (uid 0); this test runs as " + System.getProperty("user.name"));
        require(onPath("ip").isPresent(), "the ip command is not installed (apt-get install iproute2)");
        removeLeftovers();
        String base = PREFIX + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        NetnsPair pair = new NetnsPair(base + "-0", base + "-1", dir);
        Run added = run(IP, "netns", "add", pair.first);
        require(added.code == 0, "ip netns add does not work here: " + added.output.strip());
        Runtime.getRuntime().addShutdownHook(pair.hook);
        try {
            Run entered = run(IP, "netns", "exec", pair.first, "true");
            require(entered.code == 0, "ip netns exec does not work here: " + entered.output.strip());
            pair.check(run(IP, "netns", "add", pair.second));
            pair.check(run(IP, "link", "add", "name", INTERFACE, "netns", pair.first, "type", "veth", "peer", "name",
                    INTERFACE, "netns", pair.second));
            pair.up(pair.first, ADDRESS_0);
            pair.up(pair.second, ADDRESS_1);
            pair.writeAgent();
            Files.writeString(pair.hostfile, ADDRESS_0 + " slots=1\n" + ADDRESS_1 + " slots=1\n");
            return pair;
        } catch (Exception | AssertionError e) {
            pair.close();
            throw e;
        }
    }

    private void up(String ns, String address) throws Exception {
        check(run(IP, "-n", ns, "link", "set", "lo", "up"));
        check(run(IP, "-n", ns, "addr", "add", address + "/24", "dev", INTERFACE));
        check(run(IP, "-n", ns, "link", "set", INTERFACE, "up"));
    }

    /** Open MPI's {@code plm_rsh_agent}: called as {@code agent HOST COMMAND...}, exactly like ssh. */
    private void writeAgent() throws IOException {
        Files.writeString(agent, String.join("\n",
                "#!/bin/sh",
                "# ssh HOST COMMAND for two network namespaces: the host's address names its namespace.",
                "host=\"$1\"; shift",
                "case \"$host\" in",
                "  " + ADDRESS_0 + ") ns=" + first + " ;;",
                "  " + ADDRESS_1 + ") ns=" + second + " ;;",
                "  *) echo \"netns-agent: unknown host $host\" >&2; exit 255 ;;",
                "esac",
                "echo \"$host $ns\" >> '" + agentLog + "'",
                "exec " + IP + " netns exec \"$ns\" sh -c \"$*\"",
                ""));
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Starts {@code mpirun -np 2} inside the first namespace, one rank per namespace ({@code --map-by node} over the
     * hostfile of both addresses), TCP over {@value #INTERFACE} only, each rank running wafer with {@code args}.
     */
    Process mpirun(List<String> args, Path out, Path err, Map<String, String> env) throws IOException {
        List<String> c = new ArrayList<>(List.of(IP, "netns", "exec", first, MpiLauncher.mpirun().toString(),
                "-np", "2", "--hostfile", hostfile.toString(), "--map-by", "node",
                "--mca", "plm_rsh_agent", agent.toString(),
                "--mca", "btl", "tcp,self", "--mca", "pml", "ob1",
                "--mca", "btl_tcp_if_include", INTERFACE, "--mca", "oob_tcp_if_include", INTERFACE));
        c.addAll(MpiLauncher.wafer(args));
        ProcessBuilder pb = new ProcessBuilder(c).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        MpiLauncher.allowRoot(pb.environment());
        return pb.start();
    }

    /** What the agent started so far, one {@code HOST NAMESPACE} line per launch. */
    String agentLog() throws IOException {
        return Files.exists(agentLog) ? Files.readString(agentLog) : "";
    }

    /** Bytes sent by the first namespace's end of the link so far. */
    long bytesSent() throws Exception {
        Run r = run(IP, "netns", "exec", first, "cat", "/sys/class/net/" + INTERFACE + "/statistics/tx_bytes");
        check(r);
        return Long.parseLong(r.output.strip());
    }

    /** The processes inside namespace {@code ns}. */
    static List<ProcessHandle> processes(String ns) throws Exception {
        Run r = run(IP, "netns", "pids", ns);
        List<ProcessHandle> found = new ArrayList<>();
        if (r.code == 0) {
            r.output.lines().map(String::strip).filter(l -> l.matches("\\d+"))
                    .forEach(l -> ProcessHandle.of(Long.parseLong(l)).ifPresent(found::add));
        }
        return found;
    }

    /** Rank {@code rank}'s java process, looked for inside namespace {@code ns}. */
    static Optional<ProcessHandle> rankIn(String ns, int rank) throws Exception {
        for (ProcessHandle p : processes(ns)) {
            try {
                String env = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "environ"));
                if (env.contains("OMPI_COMM_WORLD_RANK=" + rank + "\0")
                        && p.info().command().map(c -> c.endsWith("java")).orElse(false)) {
                    return Optional.of(p);
                }
            } catch (IOException gone) {
                // It ended while we looked.
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws Exception {
        Runtime.getRuntime().removeShutdownHook(hook);
        String failures = remove(first) + remove(second);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove the test's network namespaces:" + failures);
        }
    }

    private void removeQuietly() {
        try {
            remove(first);
            remove(second);
        } catch (Exception ignored) {
            // The JVM is going away; the next create() removes what is left.
        }
    }

    /** Kills what runs inside {@code ns} and deletes it; "" when done (or it was never made), else why not. */
    private static String remove(String ns) throws Exception {
        if (!run(IP, "netns", "list").output.lines().anyMatch(l -> l.split(" ")[0].equals(ns))) {
            return "";
        }
        for (ProcessHandle p : processes(ns)) {
            p.destroyForcibly();
            p.onExit().get(10, TimeUnit.SECONDS);
        }
        Run deleted = run(IP, "netns", "del", ns);
        return deleted.code == 0 ? "" : " " + ns + ": " + deleted.output.strip();
    }

    /** Namespaces of earlier test JVMs that were killed before they could remove them. */
    private static void removeLeftovers() throws Exception {
        for (String line : run(IP, "netns", "list").output.lines().toList()) {
            String ns = line.split(" ")[0];
            Matcher m = OURS.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                remove(ns);
            }
        }
    }

    private void check(Run r) {
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", r.command) + " failed: " + r.output.strip());
        }
    }

    private static void require(boolean ok, String reason) {
        if ("1".equals(System.getenv(EXPECT_ENV)) && !ok) {
            fail(EXPECT_ENV + "=1 but " + reason);
        }
        Assumptions.assumeTrue(ok, reason);
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }

    static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private record Run(List<String> command, int code, String output) {
    }

    /** Runs a short command (stdout and stderr together), at most 30 s. */
    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(List.of(command), -1, "timed out");
        }
        return new Run(List.of(command), p.exitValue(), output);
    }
}
