package io.autoactivator.app.cli;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress of a long step: a progress bar on a terminal, a log line every few seconds otherwise. */
abstract class Progress implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Progress.class);

  abstract void step(long n);

  @Override
  public abstract void close();

  /** A bar when a console is attached, else periodic log lines. */
  static Progress start(String task, long total) {
    if (System.console() != null) {
      ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
      return new Progress() {
        @Override
        void step(long n) {
          bar.stepBy(n);
        }

        @Override
        public void close() {
          bar.close();
        }
      };
    }
    return new Progress() {
      private final long interval = Duration.ofSeconds(5).toNanos();
      private long done;
      private long lastLog = System.nanoTime();

      @Override
      void step(long n) {
        done += n;
        if (System.nanoTime() - lastLog > interval) {
          lastLog = System.nanoTime();
          log.info("{}: {}/{}", task, done, total);
        }
      }

      @Override
      public void close() {
        log.info("{}: {}/{} done", task, done, total);
      }
    };
  }
}
