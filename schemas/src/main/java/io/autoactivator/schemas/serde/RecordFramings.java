package io.autoactivator.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the framing from the config: a registry URL means Confluent, none means single-object. */
final class RecordFramings {

    private static final Logger LOG = LoggerFactory.getLogger(RecordFramings.class);

    private RecordFramings() {
    }

    static <T extends SpecificRecord> RecordFraming<T> create(Class<T> type, Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (config.usesSchemaRegistry()) {
            LOG.debug("{} {}: {} via {}", type.getSimpleName(), isKey ? "keys" : "values", ConfluentFraming.NAME,
                    config.registryUrls());
            return new ConfluentFraming<>(type, HttpSchemaRegistryClient.from(config), isKey);
        }
        LOG.debug("{} {}: {}", type.getSimpleName(), isKey ? "keys" : "values", SingleObjectFraming.NAME);
        return new SingleObjectFraming<>(type);
    }
}
