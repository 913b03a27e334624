package io.autoactivator.bench;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Samples memory every {@code periodMs} on a daemon thread and keeps the peaks since the last {@link #reset}:
 * heap used (MemoryMXBean), NIO direct buffers, javacpp/ND4J off-heap ({@link Pointer#totalBytes()}) and the
 * process resident set ({@link Pointer#physicalBytes()}, which includes the heap).
 */
public final class MemorySampler implements AutoCloseable {

  /** Peaks in bytes. */
  public record Peaks(long heapUsed, long heapCommitted, long direct, long javacpp, long rss) {
  }

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
  private final Thread thread;
  private volatile boolean running = true;
  private long heapUsed;
  private long heapCommitted;
  private long direct;
  private long javacpp;
  private long rss;

  public MemorySampler(long periodMs) {
    thread = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(periodMs);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void sample() {
    var heap = memory.getHeapMemoryUsage();
    heapUsed = Math.max(heapUsed, heap.getUsed());
    heapCommitted = Math.max(heapCommitted, heap.getCommitted());
    long d = 0;
    for (BufferPoolMXBean pool : pools) {
      if (pool.getName().equals("direct")) {
        d += pool.getMemoryUsed();
      }
    }
    direct = Math.max(direct, d);
    javacpp = Math.max(javacpp, Pointer.totalBytes());
    rss = Math.max(rss, Pointer.physicalBytes());
  }

  /** Forgets the peaks (after a GC, so the next phase starts from its own baseline). */
  public synchronized void reset() {
    System.gc();
    heapUsed = heapCommitted = direct = javacpp = rss = 0;
    sample();
  }

  public synchronized Peaks peaks() {
    sample();
    return new Peaks(heapUsed, heapCommitted, direct, javacpp, rss);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
