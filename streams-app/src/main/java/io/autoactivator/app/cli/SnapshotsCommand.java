package io.autoactivator.app.cli;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotFormatException;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.TaskSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists and inspects the snapshots on the snapshot topic. */
@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "List or inspect model snapshots.",
    subcommands = {SnapshotsCommand.ListSnapshots.class, SnapshotsCommand.Inspect.class})
final class SnapshotsCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list or inspect");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Read the snapshot topic from the beginning and list every snapshot.")
  static final class ListSnapshots implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--model-id", paramLabel = "ID", description = "Only this model.")
    String modelId;

    @Override
    public Integer call() {
      AppConfig settings = config.load();
      List<SnapshotCatalog.Entry> entries = SnapshotCatalog.read(settings.kafkaProperties(),
          settings.topics(), Duration.ofSeconds(60));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-16s %7s %6s %-14s %-24s %6s %10s %10s %-20s%n", "model", "version", "parent", "learner", "tasks",
          "units", "params", "bytes", "checksum");
      for (SnapshotCatalog.Entry entry : entries) {
        ModelSnapshot s = entry.header();
        if (modelId != null && !modelId.equals(s.getModelId())) {
          continue;
        }
        String tasks = s.getTasks().stream().map(TaskSummary::getTaskId).collect(Collectors.joining(","));
        int units = s.getTasks().stream().mapToInt(TaskSummary::getUnits).sum();
        String checksum = s.getChecksum().length() > 20 ? s.getChecksum().substring(0, 19) + "…" : s.getChecksum();
        out.printf("%-16s %7d %6s %-14s %-24s %6d %10d %10d %-20s%s%n", s.getModelId(), s.getVersion(),
            s.getParentVersion() == null ? "-" : s.getParentVersion(), s.getLearner(), tasks, units,
            s.getParameterCount(), s.getByteSize(), checksum, entry.complete() ? "" : " (" + entry.problem() + ")");
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "inspect", usageHelpAutoWidth = true,
      description = "Print one snapshot's metadata and provenance.")
  static final class Inspect implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model-id", paramLabel = "ID", required = true, description = "The model.")
    String modelId;

    @Option(names = "--version", paramLabel = "V", required = true, description = "The snapshot version.")
    long version;

    @Override
    public Integer call() {
      AppConfig settings = config.load();
      SnapshotCatalog.Entry entry = SnapshotCatalog.read(settings.kafkaProperties(), settings.topics(),
              Duration.ofSeconds(60)).stream()
          .filter(e -> e.header().getModelId().equals(modelId) && e.header().getVersion() == version)
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no snapshot " + modelId + " v" + version + " on "
              + settings.topics().snapshots() + "; see `snapshots list`"));
      ModelSnapshot s = entry.header();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("model          %s%nversion        %d%nparent         %s%nlearner        %s%ncreated        %s%n",
          s.getModelId(), s.getVersion(), s.getParentVersion() == null ? "-" : s.getParentVersion(), s.getLearner(),
          s.getCreatedAt());
      out.printf("classes        %s%nparameters     %d%nbytes          %d in %d chunk(s)%s%nchecksum       %s%n",
          s.getClasses(), s.getParameterCount(), s.getByteSize(), s.getChunkCount(),
          entry.complete() ? "" : " (" + entry.problem().toUpperCase(java.util.Locale.ROOT) + " on the topic)",
          s.getChecksum());
      out.printf("seed           %d%nconfig hash    %s%ncode version   %s%ndata offsets   %s%n",
          s.getProvenance().getSeed(), s.getProvenance().getConfigHash(), s.getProvenance().getCodeVersion(),
          s.getProvenance().getDataOffsets());
      if (entry.complete()) {
        try {
          Provenance header = entry.payload().provenance();
          out.printf("payload header %s v%d, learner %s, options %s, code %s (AASNAP, checksum verified)%n",
              header.modelId(), header.version(), header.learner(), header.options(), header.codeVersion());
        } catch (SnapshotFormatException e) {
          out.printf("payload header none (%s)%n", e.getMessage());
        }
      }
      out.println("tasks:");
      for (TaskSummary t : s.getTasks()) {
        out.printf("  %-12s classes %-12s units %4d samples %d%n", t.getTaskId(), t.getClasses(), t.getUnits(),
            t.getSampleCount());
      }
      out.flush();
      return 0;
    }
  }
}
