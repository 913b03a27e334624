package io.autoactivator.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.common.io.Resource;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/** Runs on whatever backend the build puts first; our machines have no GPU, so that is the CPU backend. */
class ComputeBackendTest {

    @Test
    void reportsTheCpuBackendWithItsBlas() {
        BackendReport r = ComputeBackend.initialise();

        assertThat(r.kind()).isEqualTo(BackendReport.Kind.CPU);
        assertThat(r.backendClass()).isEqualTo(Nd4j.getBackend().getClass().getName()).endsWith("CpuBackend");
        assertThat(r.blas()).isNotBlank().startsWith("OPENBLAS");
        assertThat(r.threads()).isPositive();
        assertThat(r.deviceCount()).isPositive();
        assertThat(r.devices()).isEmpty();
        assertThat(r.summary()).contains("CPU", "CpuBackend", "OPENBLAS");
    }

    @Test
    void isIdempotent() {
        assertThat(ComputeBackend.initialise()).isSameAs(ComputeBackend.initialise());
    }

    @Test
    void noFallbackWhenNothingOutranksTheChosenBackend() {
        BackendReport r = ComputeBackend.describe(Nd4j.getBackend(), Map.of());
        assertThat(r.fallback()).isFalse();
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void probingStopsAtTheFirstAvailableBackendAndKeepsTheRootCauseOfEachFailure() {
        // what JCublasBackend.isAvailable() throws on a machine without the NVIDIA driver
        RuntimeException noDriver = new RuntimeException(
                new UnsatisfiedLinkError("libjnicudart.so: libcuda.so.1: cannot open shared object file"));
        Map<String, String> unavailable = ComputeBackend.probeInPriorityOrder(List.of(
                new FakeBackend(0, Boolean.TRUE, null),
                new FakeBackend(100, null, noDriver),
                new FakeBackend(50, Boolean.FALSE, null),
                new FakeBackend(-10, null, new IllegalStateException("never probed"))));

        assertThat(unavailable).containsExactly(
                entry("FakeBackend (priority 100)", "UnsatisfiedLinkError: libjnicudart.so: libcuda.so.1: cannot open shared object file"),
                entry("FakeBackend (priority 50)", "reported unavailable"));
    }

    @Test
    void aSkippedHigherPriorityBackendMakesTheReportAFallback() {
        BackendReport r = ComputeBackend.describe(Nd4j.getBackend(),
                Map.of("JCublasBackend (priority 100)", "UnsatisfiedLinkError: libcuda.so.1"));

        assertThat(r.kind()).isEqualTo(BackendReport.Kind.CPU);
        assertThat(r.fallback()).isTrue();
        assertThat(r.skipped()).containsExactly("JCublasBackend (priority 100): UnsatisfiedLinkError: libcuda.so.1");
        assertThat(r.summary()).contains("FALLBACK from JCublasBackend (priority 100)");
    }

    @Test
    void kindFollowsTheBlasVendorAndEnvironment() {
        assertThat(ComputeBackend.kindOf("org.nd4j.linalg.jcublas.JCublasBackend", false, Blas.Vendor.CUBLAS))
                .isEqualTo(BackendReport.Kind.CUDA);
        assertThat(ComputeBackend.kindOf("org.nd4j.linalg.cpu.nativecpu.CpuBackend", true, Blas.Vendor.OPENBLAS))
                .isEqualTo(BackendReport.Kind.CPU);
        assertThat(ComputeBackend.kindOf("com.example.Other", false, Blas.Vendor.UNKNOWN))
                .isEqualTo(BackendReport.Kind.OTHER);
    }

    /** A backend that only answers the questions ComputeBackend asks. */
    private static final class FakeBackend extends Nd4jBackend {
        private final int priority;
        private final Boolean available;
        private final RuntimeException failure;

        FakeBackend(int priority, Boolean available, RuntimeException failure) {
            this.priority = priority;
            this.available = available;
            this.failure = failure;
        }

        @Override
        public boolean isAvailable() {
            if (failure != null) {
                throw failure;
            }
            return available;
        }

        @Override
        public int getPriority() {
            return priority;
        }

        @Override
        public boolean allowsOrder() {
            return false;
        }

        @Override
        public boolean canRun() {
            return false;
        }

        @Override
        public Resource getConfigurationResource() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Class<?> getNDArrayClass() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Environment getEnvironment() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String buildInfo() {
            return "fake";
        }

        @Override
        public void logBackendInit() {
        }
    }
}
