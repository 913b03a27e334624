package io.autoactivator.app.kafka;

import io.autoactivator.app.config.Topics;
import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The deployment's eight topics, each bound to its serdes: keys are strings (model id, request id,
 * {@code <model>/<version>/<chunk>} or the source topic of a dead letter), values the Avro records of
 * {@link RecordCodecs}. Built once per instance from the configured names.
 */
public record AppTopics(Topic<String, LabelledSample> samples, Topic<String, TaskBoundary> taskEvents,
    Topic<String, PredictionRequest> queries, Topic<String, Prediction> predictions,
    Topic<String, Prediction> shadowPredictions, Topic<String, ModelSnapshot> snapshots,
    Topic<String, ModelCommand> commands, Topic<String, DeadLetter> deadLetters) {

  /** The topics called {@code names}, with the serdes of {@code codecs}. */
  public static AppTopics of(Topics names, RecordCodecs codecs) {
    Serde<String> keys = Serdes.String();
    return new AppTopics(new Topic<>(names.samples(), keys, codecs.samples()),
        new Topic<>(names.taskEvents(), keys, codecs.boundaries()),
        new Topic<>(names.queries(), keys, codecs.queries()),
        new Topic<>(names.predictions(), keys, codecs.predictions()),
        new Topic<>(names.shadowPredictions(), keys, codecs.predictions()),
        new Topic<>(names.snapshots(), keys, codecs.snapshots()),
        new Topic<>(names.commands(), keys, codecs.commands()),
        new Topic<>(names.deadLetters(), keys, codecs.deadLetters()));
  }
}
