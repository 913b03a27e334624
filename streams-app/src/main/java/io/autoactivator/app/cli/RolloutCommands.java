package io.autoactivator.app.cli;

import io.autoactivator.app.config.AppConfig;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Rollout commands: each produces one ModelCommand on the commands topic, keyed by model id. */
final class RolloutCommands {

  private RolloutCommands() {
  }

  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--model-id", paramLabel = "ID", required = true, description = "The model.")
    String modelId;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    String reason;

    abstract ModelAction action();

    abstract Long version();

    @Override
    public Integer call() throws Exception {
      AppConfig settings = config.load();
      ModelCommand command = new ModelCommand(UUID.randomUUID().toString(), modelId, action(), version(), reason,
          Instant.now());
      Topic<String, ModelCommand> commands = KafkaClients.topics(settings.kafkaProperties(), settings.topics())
          .commands();
      String topic = commands.name();
      try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(settings.kafkaProperties())) {
        producer.send(new ProducerRecord<>(topic, modelId, commands.serialize(command))).get();
      }
      spec.commandLine().getOut().printf("%s %s%s sent to %s (command %s)%n", action(), modelId,
          version() == null ? "" : " v" + version(), topic, command.getCommandId());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "promote", usageHelpAutoWidth = true,
      description = "Serve VERSION of the model (the newest if no --version).")
  static final class Promote extends Base {
    @Option(names = "--version", paramLabel = "V", description = "Default: the newest.")
    Long version;

    ModelAction action() {
      return ModelAction.PROMOTE;
    }

    Long version() {
      return version;
    }
  }

  @Command(name = "rollback", usageHelpAutoWidth = true,
      description = "Serve VERSION (default: the parent of the serving version).")
  static final class Rollback extends Base {
    @Option(names = "--version", paramLabel = "V", description = "Default: the parent of the serving version.")
    Long version;

    ModelAction action() {
      return ModelAction.ROLLBACK;
    }

    Long version() {
      return version;
    }
  }

  @Command(name = "pin", usageHelpAutoWidth = true,
      description = "Keep serving VERSION even when newer versions arrive (a VERSION not published yet is "
          + "dropped, with a dead letter).")
  static final class Pin extends Base {
    @Option(names = "--version", paramLabel = "V", required = true)
    Long version;

    ModelAction action() {
      return ModelAction.PIN;
    }

    Long version() {
      return version;
    }
  }

  @Command(name = "unpin", usageHelpAutoWidth = true, description = "Follow the newest version again.")
  static final class Unpin extends Base {
    ModelAction action() {
      return ModelAction.UNPIN;
    }

    Long version() {
      return null;
    }
  }

  @Command(name = "shadow", usageHelpAutoWidth = true,
      description = "Also run VERSION on every request (answers on the shadow-predictions topic).")
  static final class Shadow extends Base {
    @Option(names = "--version", paramLabel = "V", required = true)
    Long version;

    ModelAction action() {
      return ModelAction.SHADOW;
    }

    Long version() {
      return version;
    }
  }

  @Command(name = "unshadow", usageHelpAutoWidth = true, description = "Stop shadowing.")
  static final class Unshadow extends Base {
    ModelAction action() {
      return ModelAction.UNSHADOW;
    }

    Long version() {
      return null;
    }
  }
}
