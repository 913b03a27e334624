package io.autoactivator.app.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.schemas.ModelCommand;

/**
 * Decides each model's serving, pinned and shadow state from two logs: the versions loaded (each with the timestamp
 * of its snapshot record) and the rollout commands (each with its record timestamp). The decision is a fold over
 * both, merged in timestamp order, recomputed whenever either grows; it depends on the logs only, not on the order in
 * which this instance happened to read them, so every instance reaches the same decision once it has read the same
 * records, whatever its lag:
 *
 * <ul>
 *   <li>a version arriving while the model is not pinned serves at once;</li>
 *   <li>a command naming a version that has not arrived yet (but may: it is above the newest one) waits for it; any
 *       later serving command supersedes it, so a PIN of a future version never blocks a ROLLBACK after it;</li>
 *   <li>a command naming a version below the newest that was never loaded can never apply and is dropped;</li>
 *   <li>a command without a version resolves against the versions published before it (by timestamp), not against
 *       whatever an instance has loaded when it reads the command.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the follower's thread.
 */
final class PendingCommands {

  private static final Logger LOG = LoggerFactory.getLogger(PendingCommands.class);

  /** One entry of a model's merged log: a loaded version or a command. */
  private record Event(long timestamp, long version, ModelCommand command) {
  }

  /** Versions before commands at equal timestamps; versions by number; commands by their order in the log. */
  private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::timestamp)
      .thenComparing(e -> e.command() != null);

  private final ModelCatalog catalog;
  private final Map<String, List<Event>> timelines = new HashMap<>();
  private final Set<String> seenCommands = new HashSet<>();

  PendingCommands(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  /** A command read from the command topic at {@code timestamp}. Replays (same command id) are ignored. */
  void offer(ModelCommand command, long timestamp) {
    if (!seenCommands.add(command.getCommandId())) {
      return;
    }
    add(command.getModelId(), new Event(timestamp, 0, command));
  }

  /** {@code version} of {@code modelId} was loaded into the catalog; its snapshot record has {@code timestamp}. */
  void versionLoaded(String modelId, long version, long timestamp) {
    add(modelId, new Event(timestamp, version, null));
  }

  /** Commands of {@code modelId} that wait for a version that has not arrived yet. */
  List<ModelCommand> waiting(String modelId) {
    return fold(modelId).waiting;
  }

  private void add(String modelId, Event event) {
    List<Event> timeline = timelines.computeIfAbsent(modelId, id -> new ArrayList<>());
    int at = timeline.size();
    while (at > 0 && ORDER.compare(timeline.get(at - 1), event) > 0) {
      at--;
    }
    timeline.add(at, event);
    Decision d = fold(modelId);
    if (d.serving > 0 || d.shadow > 0) {
      catalog.decide(modelId, d.serving, d.pinned, d.shadow);
    }
  }

  /** The state after the whole timeline of one model. */
  private static final class Decision {
    long serving;
    boolean pinned;
    long shadow;
    final TreeSet<Long> seen = new TreeSet<>();
    ModelCommand pendingServe;
    long pendingServeVersion;
    boolean pendingPin;
    ModelCommand pendingShadow;
    long pendingShadowVersion;
    final List<ModelCommand> waiting = new ArrayList<>();

    long newest() {
      return seen.isEmpty() ? 0 : seen.last();
    }
  }

  private Decision fold(String modelId) {
    Decision d = new Decision();
    for (Event e : timelines.getOrDefault(modelId, List.of())) {
      if (e.command() == null) {
        arrived(d, e.version());
      } else {
        command(d, e.command());
      }
    }
    if (d.pendingServe != null) {
      d.waiting.add(d.pendingServe);
    }
    if (d.pendingShadow != null) {
      d.waiting.add(d.pendingShadow);
    }
    return d;
  }

  private static void arrived(Decision d, long version) {
    d.seen.add(version);
    if (d.pendingServe != null && d.pendingServeVersion == version) {
      d.serving = version;
      d.pinned = d.pendingPin;
      d.pendingServe = null;
    } else if (!d.pinned) {
      d.serving = Math.max(d.serving, version);
    }
    if (d.pendingShadow != null && d.pendingShadowVersion == version) {
      d.shadow = version;
      d.pendingShadow = null;
    }
  }

  private static void command(Decision d, ModelCommand c) {
    Long target = c.getTargetVersion();
    switch (c.getAction()) {
      case PROMOTE -> serve(d, c, target == null ? d.newest() : target, d.pinned);
      case ROLLBACK -> {
        Long previous = target != null ? target : d.seen.lower(d.serving);
        if (previous == null) {
          LOG.debug("command {} (ROLLBACK of {}) has no earlier version to go to", c.getCommandId(),
              c.getModelId());
        } else {
          serve(d, c, previous, d.pinned);
        }
      }
      case PIN -> serve(d, c, target == null ? d.serving : target, true);
      case UNPIN -> {
        d.pendingServe = null;
        d.pinned = false;
        d.serving = d.newest();
      }
      case SHADOW -> {
        long t = target == null ? d.newest() : target;
        d.pendingShadow = null;
        if (d.seen.contains(t)) {
          d.shadow = t;
        } else if (t > d.newest()) {
          d.pendingShadow = c;
          d.pendingShadowVersion = t;
        }
      }
      case UNSHADOW -> {
        d.pendingShadow = null;
        d.shadow = 0;
      }
      default -> LOG.warn("command {} has an unknown action {}", c.getCommandId(), c.getAction());
    }
  }

  /** Serves {@code version} now if loaded, later if it may still arrive; a later serving command supersedes. */
  private static void serve(Decision d, ModelCommand c, long version, boolean pin) {
    d.pendingServe = null;
    if (version <= 0) {
      return;
    }
    if (d.seen.contains(version)) {
      d.serving = version;
      d.pinned = pin;
    } else if (version > d.newest()) {
      d.pendingServe = c;
      d.pendingServeVersion = version;
      d.pendingPin = pin;
    } else {
      LOG.debug("command {} ({} {} of {}) dropped: that version was never loaded and never will be",
          c.getCommandId(), c.getAction(), version, c.getModelId());
    }
  }

  /** Ids of the models with a timeline. */
  Set<String> models() {
    return timelines.keySet();
  }
}
