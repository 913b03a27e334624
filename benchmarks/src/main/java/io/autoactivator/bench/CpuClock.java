package io.autoactivator.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM, by its child processes (the embedded broker) and by this JVM's Kafka Streams
 * threads, read at two instants. Wall-clock rates on a shared 2-core machine move with the other users' load; CPU
 * seconds per record move much less, so the ingest figure reports both.
 */
final class CpuClock {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One reading: CPU nanoseconds of this JVM, of its descendants, and of the threads named like streams ones. */
  record Reading(long wallNanos, long jvmNanos, long childrenNanos, long streamThreadNanos,
      Map<String, Long> ticksByThreadName) {

    /** The threads of this JVM (native ones too: GC, JIT, RocksDB) that used most CPU since {@code earlier}. */
    String topThreadsSince(Reading earlier, long records, int limit) {
      Map<String, Long> delta = new TreeMap<>();
      ticksByThreadName.forEach((name, t) -> delta.put(name, t - earlier.ticksByThreadName.getOrDefault(name, 0L)));
      double microsPerTick = 1e6 / TICKS_PER_SECOND / Math.max(records, 1);
      return delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
          .map(e -> String.format("%s %.1f us", e.getKey(), e.getValue() * microsPerTick))
          .collect(Collectors.joining(", "));
    }

    /** What happened between {@code earlier} and this reading, per record of {@code records}, in microseconds. */
    String perRecordSince(Reading earlier, long records) {
      double n = Math.max(records, 1);
      return String.format("CPU per record: this JVM %.1f us (of which stream threads %.1f us), broker %.1f us;"
              + " wall %.1f us", (jvmNanos - earlier.jvmNanos) / 1e3 / n,
          (streamThreadNanos - earlier.streamThreadNanos) / 1e3 / n, (childrenNanos - earlier.childrenNanos) / 1e3 / n,
          (wallNanos - earlier.wallNanos) / 1e3 / n);
    }
  }

  /** USER_HZ of Linux's /proc accounting. */
  private static final double TICKS_PER_SECOND = 100;

  private CpuClock() {
  }

  /** utime + stime of every thread of this process from /proc (Linux), summed by thread name; empty elsewhere. */
  private static Map<String, Long> threadTicks() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close).replaceAll("[0-9]+$", "#");
          String[] fields = stat.substring(close + 2).split(" ");
          ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended between the listing and the read
        }
      });
    } catch (IOException e) {
      return Map.of();
    }
    return ticks;
  }

  static Reading now() {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    long children = ProcessHandle.current().descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    long streams = 0;
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains("-StreamThread-")) {
        streams += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
      }
    }
    return new Reading(System.nanoTime(), jvm, children, streams, threadTicks());
  }
}
