package dev.wafer.adapters.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;

/**
 * Which OpenCL platform and device to use, each given by index or by a case-insensitive substring of its name; a
 * device may also be named by its type ({@code cpu}, {@code gpu}, {@code accelerator}) or its platform's name. An
 * empty selector takes the first device of the first platform that has one.
 *
 * <p>Parsed from configuration strings such as {@code "platform=portable,device=cpu"}, {@code "device=1"} or
 * {@code ""}.
 *
 * @param platform platform index or name substring; empty for any
 * @param device device index (within the platform), name substring, type, or platform name substring; empty for any
 */
public record ClDeviceSelector(String platform, String device) {
    /** Selects the first device of the first platform. */
    public static final ClDeviceSelector FIRST = new ClDeviceSelector("", "");

    public ClDeviceSelector {
        platform = platform == null ? "" : platform.strip();
        device = device == null ? "" : device.strip();
    }

    /** The form {@link #parse} reads, for messages. */
    public static final String FORM = "comma-separated key=value pairs, platform=INDEX|NAME and"
            + " device=INDEX|NAME|cpu|gpu|accelerator, e.g. platform=0,device=gpu";

    /**
     * Parses {@code key=value} pairs separated by commas; keys are {@code platform} and {@code device}, each at most
     * once.
     *
     * @throws IllegalArgumentException on an unknown or repeated key or a pair without {@code =}; the message gives
     *     the expected form ({@link #FORM}) and what was found
     */
    public static ClDeviceSelector parse(String spec) {
        String p = null;
        String d = null;
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String s = part.strip();
                if (s.isEmpty()) {
                    continue;
                }
                int eq = s.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("expected " + FORM + ", found '" + spec + "'");
                }
                String key = s.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = s.substring(eq + 1).strip();
                boolean repeated = switch (key) {
                    case "platform" -> p != null;
                    case "device" -> d != null;
                    default -> throw new IllegalArgumentException("unknown key '" + key + "' in '" + spec
                            + "' (expected " + FORM + ")");
                };
                if (repeated) {
                    throw new IllegalArgumentException("key '" + key + "' given twice in '" + spec + "' (expected "
                            + FORM + ")");
                }
                if (key.equals("platform")) {
                    p = value;
                } else {
                    d = value;
                }
            }
        }
        return new ClDeviceSelector(p, d);
    }

    /**
     * The OpenCL platforms of this machine; empty when the OpenCL runtime or Aparapi's native library is missing.
     */
    static List<OpenCLPlatform> platforms() {
        // PoCL starts its LLVM here, which replaces the JVM's signal handlers (SignalHandlerGuard).
        return SignalHandlerGuard.around(ClDeviceSelector::queryPlatforms);
    }

    private static List<OpenCLPlatform> queryPlatforms() {
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                return List.of();
            }
            List<OpenCLPlatform> all = new OpenCLPlatform().getOpenCLPlatforms();
            return all == null ? List.of() : all;
        } catch (LinkageError | RuntimeException e) {
            return List.of();
        }
    }

    /** One line per platform and device, with indices, e.g. {@code [0] Portable Computing Language / [0] pthread-... (CPU)}. */
    public static List<String> describeAll() {
        List<String> lines = new ArrayList<>();
        List<OpenCLPlatform> ps = platforms();
        for (int i = 0; i < ps.size(); i++) {
            OpenCLPlatform p = ps.get(i);
            List<OpenCLDevice> ds = p.getOpenCLDevices();
            if (ds.isEmpty()) {
                lines.add("platform [" + i + "] " + p.getName() + ": no devices");
            }
            for (int j = 0; j < ds.size(); j++) {
                lines.add("platform [" + i + "] " + p.getName() + " / device [" + j + "] " + describe(ds.get(j)));
            }
        }
        return lines;
    }

    static String describe(OpenCLDevice d) {
        return d.getName().strip() + " (" + d.getType() + ")";
    }

    /**
     * What a report needs to know of the device: e.g. {@code pthread-skylake-avx512-AMD EPYC (CPU), OpenCL 3.0 PoCL
     * 3.1+debian ..., 2 compute units, 21.5 GiB global memory} (this build machine, under PoCL).
     */
    static String detail(OpenCLDevice d) {
        String platform = d.getOpenCLPlatform() == null ? "platform unknown"
                : d.getOpenCLPlatform().getVersion().strip();
        return String.format(java.util.Locale.ROOT, "%s, %s, %d compute units, %.1f GiB global memory", describe(d),
                platform, d.getMaxComputeUnits(), d.getGlobalMemSize() / (double) (1L << 30));
    }

    /**
     * The device this selector names.
     *
     * @throws ClUnavailableException when there is no OpenCL platform, or nothing matches; the message lists what exists
     */
    public OpenCLDevice select() {
        List<OpenCLPlatform> ps = platforms();
        if (ps.isEmpty()) {
            throw new ClUnavailableException("no OpenCL platform found (is an OpenCL ICD such as pocl-opencl-icd "
                    + "installed, and libOpenCL.so.1 on the library path?)");
        }
        for (int i = 0; i < ps.size(); i++) {
            OpenCLPlatform p = ps.get(i);
            if (!matchesPlatform(i, p.getName())) {
                continue;
            }
            List<OpenCLDevice> ds = p.getOpenCLDevices();
            for (int j = 0; j < ds.size(); j++) {
                OpenCLDevice d = ds.get(j);
                if (matchesDevice(j, d.getName(), String.valueOf(d.getType()), p.getName())) {
                    return d;
                }
            }
        }
        throw new ClUnavailableException("no OpenCL device matches " + this + "; found: "
                + String.join("; ", describeAll()));
    }

    /** Whether platform {@code index} named {@code name} is one this selector allows. */
    boolean matchesPlatform(int index, String name) {
        return matches(platform, index, name);
    }

    /**
     * Whether device {@code index} of its platform, named {@code name}, of Aparapi's type {@code type} ({@code CPU},
     * {@code GPU}, {@code ACC}), on the platform named {@code platformName}, is the one this selector names: by index,
     * by name, by type, or by its platform's name (e.g. {@code device=portable} for PoCL's, whose devices are named after the CPU).
     */
    boolean matchesDevice(int index, String name, String type, String platformName) {
        if (device.isEmpty() || matches(device, index, name)) {
            return true;
        }
        if (isIndex(device)) {
            return false;
        }
        String wanted = device.toLowerCase(Locale.ROOT);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        return wanted.equals(t) || wanted.equals("accelerator") && t.equals("acc")
                || platformName != null && platformName.toLowerCase(Locale.ROOT).contains(wanted);
    }

    private static boolean isIndex(String wanted) {
        return !wanted.isEmpty() && wanted.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean matches(String wanted, int index, String name) {
        if (wanted.isEmpty()) {
            return true;
        }
        if (isIndex(wanted)) {
            // Compared as text: an index too large for an int matches nothing instead of failing.
            return wanted.replaceFirst("^0+(?=.)", "").equals(Integer.toString(index));
        }
        return name != null && name.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "platform=" + (platform.isEmpty() ? "*" : platform) + ",device=" + (device.isEmpty() ? "*" : device);
    }
}
