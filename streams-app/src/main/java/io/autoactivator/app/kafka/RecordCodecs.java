package io.autoactivator.app.kafka;

import java.util.Map;

import io.autoactivator.schemas.DeadLetter;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.ModelCommand;
import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.Prediction;
import io.autoactivator.schemas.PredictionRequest;
import io.autoactivator.schemas.TaskBoundary;
import io.autoactivator.schemas.serde.AvroSerde;
import io.autoactivator.schemas.serde.AvroSerdes;

/**
 * The value serdes of every topic, configured once from the client properties (so a {@code schema.registry.url}
 * there switches all of them to the Confluent framing together).
 */
public record RecordCodecs(AvroSerde<LabelledSample> samples, AvroSerde<TaskBoundary> boundaries,
    AvroSerde<PredictionRequest> queries, AvroSerde<Prediction> predictions, AvroSerde<ModelSnapshot> snapshots,
    AvroSerde<ModelCommand> commands, AvroSerde<DeadLetter> deadLetters) {

  /** Serdes configured from {@code config} (unknown keys ignored). */
  public static RecordCodecs from(Map<String, ?> config) {
    return new RecordCodecs(AvroSerdes.serde(LabelledSample.class, config, false),
        AvroSerdes.serde(TaskBoundary.class, config, false),
        AvroSerdes.serde(PredictionRequest.class, config, false),
        AvroSerdes.serde(Prediction.class, config, false),
        AvroSerdes.serde(ModelSnapshot.class, config, false),
        AvroSerdes.serde(ModelCommand.class, config, false),
        AvroSerdes.serde(DeadLetter.class, config, false));
  }

  /** Single-object encoding, no registry: tests and the embedded demo. */
  public static RecordCodecs singleObject() {
    return from(Map.of());
  }
}
