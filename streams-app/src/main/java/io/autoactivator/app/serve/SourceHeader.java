package io.autoactivator.app.serve;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header that ties every record the serving loop writes to the query it answers:
 * {@code autoactivator-query = <partition>:<offset>} of the queries topic. After a crash, the partition's next owner
 * reads it back from the predictions written since the last commit, so that a request already answered is not
 * answered again (by a different version). Headers are not part of the Avro contract: readers that do not know it
 * see the same Prediction as before.
 */
final class SourceHeader {

  static final String NAME = "autoactivator-query";

  private SourceHeader() {
  }

  static byte[] value(int partition, long offset) {
    return (partition + ":" + offset).getBytes(StandardCharsets.US_ASCII);
  }

  /** The queries partition and offset in {@code headers}, or null when absent or malformed. */
  static long[] read(Headers headers) {
    Header h = headers.lastHeader(NAME);
    if (h == null || h.value() == null) {
      return null;
    }
    String text = new String(h.value(), StandardCharsets.US_ASCII);
    int colon = text.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    try {
      return new long[] {Integer.parseInt(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1))};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
