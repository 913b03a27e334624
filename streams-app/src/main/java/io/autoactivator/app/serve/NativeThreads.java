package io.autoactivator.app.serve;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the threads of every ND4J native call in this process ({@code serving.threads}): libnd4j's OpenMP master
 * threads and OpenBLAS's threads, the two knobs that {@code OMP_NUM_THREADS} sets before start. On few cores a
 * small-batch product on two spinning OpenMP threads contends with the Kafka clients and the broker and was
 * 10-100x slower than on one (BENCHMARKS.md, "threads"), while a large batch barely gains from the second thread;
 * so the service sets 1 unless told otherwise. 0 leaves ND4J's own choice.
 */
public final class NativeThreads {

  private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);

  private NativeThreads() {
  }

  /** Applies {@code threads} (0: nothing) and logs what ND4J reports afterwards. */
  public static void apply(int threads) {
    if (threads <= 0) {
      LOG.info("serving.threads=0: ND4J keeps {} threads, OpenBLAS {}", Nd4j.getEnvironment().maxMasterThreads(),
          Nd4j.factory().blas().getMaxThreads());
      return;
    }
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    LOG.info("serving.threads={}: ND4J master threads {}, OpenBLAS threads {}", threads,
        Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads());
  }
}
