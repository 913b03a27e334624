package io.autoactivator.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which query offsets may be committed, and which requests must not be answered (again). */
class OffsetLedgerTest {

  private final TopicPartition p0 = new TopicPartition("queries", 0);
  private final OffsetLedger ledger = new OffsetLedger();

  @Test
  void theCommitStopsAtTheFirstRequestWhoseAnswerIsNotAcknowledged() {
    long epoch = ledger.assign(p0, 10, Set.of(), 0);
    for (long o = 10; o < 14; o++) {
      assertThat(ledger.read(p0, o, 500 + o)).isTrue();
    }
    ledger.done(p0, epoch, 10);
    ledger.done(p0, epoch, 12);
    assertThat(commit(9_000)).isEqualTo(new OffsetAndMetadata(11, "readAt=511"));
    ledger.done(p0, epoch, 11);
    ledger.done(p0, epoch, 13);
    assertThat(commit(9_000)).as("nothing open: the next offset, read-back from now")
        .isEqualTo(new OffsetAndMetadata(14, "readAt=9000"));
  }

  @Test
  void requestsAnsweredByAPreviousOwnerAreNotAnsweredAndTheirReadBackPointIsKept() {
    long epoch = ledger.assign(p0, 5, Set.of(6L, 7L), 4_000);
    assertThat(ledger.read(p0, 5, 8_000)).isTrue();
    assertThat(ledger.read(p0, 6, 8_000)).as("answered before the crash").isFalse();
    ledger.done(p0, epoch, 5);
    assertThat(commit(9_000)).as("7 is still to be skipped: read back from the old point")
        .isEqualTo(new OffsetAndMetadata(7, "readAt=4000"));
    assertThat(ledger.read(p0, 7, 8_000)).isFalse();
    assertThat(ledger.read(p0, 8, 8_500)).isTrue();
    assertThat(commit(9_000)).isEqualTo(new OffsetAndMetadata(8, "readAt=8500"));
  }

  @Test
  void aRevokedOrResetPartitionMakesItsQueuedRequestsStaleAndIgnoresLateAcknowledgements() {
    long first = ledger.assign(p0, 0, Set.of(), 0);
    ledger.read(p0, 0, 1);
    ledger.read(p0, 1, 1);
    assertThat(ledger.stale(p0, first)).isFalse();
    ledger.close(Set.of(p0));
    assertThat(ledger.stale(p0, first)).as("left to the next owner").isTrue();
    ledger.done(p0, first, 0);
    assertThat(commit(5)).as("sent before the revocation: still counted").isEqualTo(new OffsetAndMetadata(1,
        "readAt=1"));
    ledger.remove(Set.of(p0));
    long second = ledger.assign(p0, 1, Set.of(), 0);
    assertThat(second).isGreaterThan(first);
    ledger.read(p0, 1, 7);
    ledger.done(p0, first, 1);
    assertThat(commit(9)).as("an acknowledgement of the old ownership does not count").isEqualTo(
        new OffsetAndMetadata(1, "readAt=7"));
  }

  @Test
  void aFailedWriteMarksItsPartitionForAReset() {
    long epoch = ledger.assign(p0, 0, Set.of(), 0);
    ledger.read(p0, 0, 1);
    ledger.failed(p0, epoch);
    assertThat(ledger.failed()).containsExactly(p0);
    assertThat(ledger.stale(p0, epoch)).isTrue();
  }

  @Test
  void theReadAtOfACommitSurvivesItsMetadataAndFallsBackWithout() {
    assertThat(OffsetLedger.readAt(new OffsetAndMetadata(3, "readAt=42"), 7)).isEqualTo(42);
    assertThat(OffsetLedger.readAt(new OffsetAndMetadata(3, ""), 7)).isEqualTo(7);
    assertThat(OffsetLedger.readAt(null, 7)).isEqualTo(7);
  }

  private OffsetAndMetadata commit(long now) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable(null, now, true);
    ledger.committed(offsets);
    return offsets.get(p0);
  }
}
