package io.autoactivator.model.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises ND4J once and reports which backend and devices it computes on.
 *
 * <p>ND4J chooses its backend itself ({@code Nd4jBackend.load()}): it sorts the backends found on the classpath
 * by priority (CUDA 100, CPU 0; the environment variables {@code BACKEND_PRIORITY_GPU} and
 * {@code BACKEND_PRIORITY_CPU} override them) and takes the first whose {@code isAvailable()} succeeds. The CUDA
 * backend's {@code isAvailable()} turns every failure (no libcudart, no device) into an exception that ND4J logs
 * and skips, so a build that carries both backends (the {@code cuda} Maven profile) falls back to the CPU when no
 * GPU can be used. This class detects that fallback and says why.
 *
 * <p>A GPU that passes ND4J's check can still be unable to run its kernels (nd4j-cuda-11.6 1.0.0-M2.1 has code for
 * sm_37 ... sm_86 only, no PTX, so Hopper and Ada GPUs fail). ND4J cannot switch backends once loaded, so
 * {@link #initialise()} runs one small matrix product and, if that fails, throws
 * {@link IllegalStateException} with a message that names the device and how to force the CPU backend.
 *
 * <p>Uses only the public ND4J API; nothing here assumes a CPU.
 */
public final class ComputeBackend {

    private static final Logger log = LoggerFactory.getLogger(ComputeBackend.class);

    private static BackendReport report;

    private ComputeBackend() {
    }

    /**
     * Initialises ND4J (if it is not yet), checks that the chosen backend can compute, logs one INFO line
     * (a WARN on fallback) and returns the report. Idempotent: later calls return the same report.
     *
     * @throws IllegalStateException if the backend ND4J chose cannot run a small matrix product
     *                               (e.g. a GPU whose architecture the CUDA build has no kernels for)
     */
    public static synchronized BackendReport initialise() {
        if (report != null) {
            return report;
        }
        // Probe first, as ND4J will: the first attempt to load a native library gives the telling error
        // (e.g. "libcuda.so.1: cannot open shared object file"); later attempts only see NoClassDefFoundError.
        Map<String, String> unavailable = probeInPriorityOrder(classpathBackends());
        Nd4jBackend chosen = Nd4j.getBackend();
        BackendReport r = describe(chosen, unavailable);
        smokeTest(r);
        if (r.fallback()) {
            log.warn("{}. Set BACKEND_PRIORITY_CPU=200 to choose the CPU backend without trying the GPU.", r.summary());
        } else {
            log.info(r.summary());
        }
        report = r;
        return r;
    }

    /** Every ND4J backend registered on the classpath (not yet probed). */
    static List<Nd4jBackend> classpathBackends() {
        List<Nd4jBackend> all = new ArrayList<>();
        ServiceLoader.load(Nd4jBackend.class, Nd4jBackend.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /**
     * Mirrors {@code Nd4jBackend.load()}: tries the backends from the highest priority down and stops at the first
     * available one. Returns, for each backend tried and found unusable, "SimpleName (priority p)" -> reason.
     */
    static Map<String, String> probeInPriorityOrder(List<Nd4jBackend> onClasspath) {
        List<Nd4jBackend> sorted = new ArrayList<>(onClasspath);
        sorted.sort(Comparator.comparingInt(Nd4jBackend::getPriority).reversed());
        Map<String, String> unavailable = new LinkedHashMap<>();
        for (Nd4jBackend b : sorted) {
            String reason;
            try {
                if (b.isAvailable()) {
                    break;
                }
                reason = "reported unavailable";
            } catch (Throwable t) { // UnsatisfiedLinkError, "No CUDA devices were found in system", ...
                reason = rootCauseMessage(t);
            }
            unavailable.put(label(b), reason);
        }
        return unavailable;
    }

    private static String label(Nd4jBackend b) {
        return b.getClass().getSimpleName() + " (priority " + b.getPriority() + ")";
    }

    static BackendReport describe(Nd4jBackend chosen, Map<String, String> unavailable) {
        Environment env = Nd4j.getEnvironment();
        Blas blas = Nd4j.factory().blas();
        BackendReport.Kind kind = kindOf(chosen.getClass().getName(), env.isCPU(), blas.getBlasVendor());
        List<String> devices = kind == BackendReport.Kind.CUDA ? cudaDevices() : List.of();
        List<String> skipped = new ArrayList<>();
        unavailable.forEach((backend, reason) -> skipped.add(backend + ": " + reason));
        return new BackendReport(
                chosen.getClass().getName(),
                kind,
                blasDescription(blas.getBlasVendor(), env),
                env.maxThreads(),
                Nd4j.getAffinityManager().getNumberOfDevices(),
                devices,
                skipped,
                !skipped.isEmpty());
    }

    static BackendReport.Kind kindOf(String backendClass, boolean isCpu, Blas.Vendor vendor) {
        if (vendor == Blas.Vendor.CUBLAS || backendClass.contains(".jcublas.")) {
            return BackendReport.Kind.CUDA;
        }
        return isCpu ? BackendReport.Kind.CPU : BackendReport.Kind.OTHER;
    }

    static String rootCauseMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
    }

    static String blasDescription(Blas.Vendor vendor, Environment env) {
        String version = env.blasMajorVersion() + "." + env.blasMinorVersion() + "." + env.blasPatchVersion();
        return vendor + ("0.0.0".equals(version) ? "" : " " + version);
    }

    @SuppressWarnings("unchecked")
    private static List<String> cudaDevices() {
        List<String> out = new ArrayList<>();
        try {
            Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
            Object list = info.get("cuda.devicesInformation");
            if (list instanceof List<?> devices) {
                for (int i = 0; i < devices.size(); i++) {
                    Map<String, Object> d = (Map<String, Object>) devices.get(i);
                    double gib = ((Number) d.getOrDefault("cuda.totalMemory", 0L)).longValue() / (1024.0 * 1024 * 1024);
                    out.add(String.format("%d: %s (cc %s.%s, %.1f GiB)", i, d.get("cuda.deviceName"),
                            d.get("cuda.deviceMajor"), d.get("cuda.deviceMinor"), gib));
                }
            }
        } catch (RuntimeException e) {
            out.add("device details unavailable: " + rootCauseMessage(e));
        }
        return out;
    }

    /** A 2x2 product with a known answer, on whatever backend is loaded. */
    private static void smokeTest(BackendReport r) {
        try {
            INDArray a = Nd4j.createFromArray(new float[][] {{1f, 2f}, {3f, 4f}});
            float[] got = a.mmul(a).data().asFloat();
            float[] want = {7f, 10f, 15f, 22f};
            if (!Arrays.equals(got, want)) {
                throw new IllegalStateException("2x2 product gave " + Arrays.toString(got) + ", expected "
                        + Arrays.toString(want));
            }
        } catch (RuntimeException | LinkageError e) {
            String hint = r.kind() == BackendReport.Kind.CUDA
                    ? " nd4j-cuda-11.6 1.0.0-M2.1 has kernels for sm_37..sm_86 only (no PTX), so Ada (sm_89) and Hopper"
                      + " (sm_90) GPUs cannot run it. Restart with BACKEND_PRIORITY_CPU=200 (or use the CPU image) to"
                      + " train on the CPU."
                    : "";
            throw new IllegalStateException("ND4J loaded " + r.summary() + " but cannot compute on it: "
                    + rootCauseMessage(e) + "." + hint, e);
        }
    }
}
