package io.autoactivator.app.cli;

import io.autoactivator.app.StreamingLearnerApp;
import io.autoactivator.app.ops.ManagedApp;
import io.autoactivator.app.snapshot.ModelRegistry;
import org.apache.kafka.streams.KafkaStreams;

/** The production {@link ManagedApp}: {@link StreamingLearnerApp}. */
final class LearnerApps {

  private LearnerApps() {
  }

  static ManagedApp.Factory streamingLearner() {
    return (settings, kafka, meters) -> {
      StreamingLearnerApp app = new StreamingLearnerApp(settings, kafka, meters);
      return new ManagedApp() {
        @Override
        public void start() {
          app.start();
        }

        @Override
        public boolean isLive() {
          return app.isLive();
        }

        @Override
        public boolean isReady() {
          return app.isReady();
        }

        @Override
        public ModelRegistry models() {
          return app.models();
        }

        @Override
        public KafkaStreams kafkaStreams() {
          return app.kafkaStreams();
        }

        @Override
        public void close() {
          app.close();
        }
      };
    };
  }
}
