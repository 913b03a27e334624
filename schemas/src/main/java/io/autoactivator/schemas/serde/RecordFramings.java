package io.autoactivator.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/** Picks the framing from the config: a registry URL means Confluent, none means single-object. */
final class RecordFramings {

    private RecordFramings() {
    }

    static <T extends SpecificRecord> RecordFraming<T> create(Class<T> type, Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (config.usesSchemaRegistry()) {
            return new ConfluentFraming<>(type, HttpSchemaRegistryClient.from(config), isKey);
        }
        return new SingleObjectFraming<>(type);
    }
}
