package io.autoactivator.model.engine;

import java.util.List;
import java.util.Objects;

/**
 * What ND4J is computing on, as found at start-up by {@link ComputeBackend#initialise()}.
 *
 * @param backendClass   fully qualified class of the ND4J backend in use (e.g. {@code org.nd4j.linalg.cpu.nativecpu.CpuBackend})
 * @param kind           CPU, CUDA or OTHER
 * @param blas           BLAS vendor and version, e.g. {@code "OPENBLAS 0.3.19"} or {@code "CUBLAS 11.6.0"}; never empty
 * @param threads        threads ND4J uses for its own ops (OpenMP on the CPU backend)
 * @param deviceCount    number of devices ND4J sees (1 on the CPU backend)
 * @param devices        one line per CUDA device ({@code "0: <name> (cc 8.6, 24.0 GiB)"}); empty on the CPU backend
 * @param skipped        backends on the classpath with a higher priority than the one in use, each with the reason it was skipped
 * @param fallback       true when a higher-priority backend (normally CUDA) was on the classpath but could not be used
 */
public record BackendReport(
        String backendClass,
        Kind kind,
        String blas,
        int threads,
        int deviceCount,
        List<String> devices,
        List<String> skipped,
        boolean fallback) {

    /** The kind of hardware a backend computes on. */
    public enum Kind { CPU, CUDA, OTHER }

    public BackendReport {
        Objects.requireNonNull(backendClass, "backendClass");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(blas, "blas");
        devices = List.copyOf(devices);
        skipped = List.copyOf(skipped);
    }

    /** One line for the start-up log. */
    public String summary() {
        StringBuilder s = new StringBuilder()
                .append("ND4J backend ").append(kind)
                .append(" (").append(backendClass.substring(backendClass.lastIndexOf('.') + 1)).append(")")
                .append(", BLAS ").append(blas)
                .append(", ").append(threads).append(" threads")
                .append(", ").append(deviceCount).append(deviceCount == 1 ? " device" : " devices");
        if (!devices.isEmpty()) {
            s.append(" ").append(devices);
        }
        if (fallback) {
            s.append("; FALLBACK from ").append(String.join("; ", skipped));
        }
        return s.toString();
    }
}
