package io.autoactivator.app.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
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
 *   <li>a command naming a version that was not published before it (by timestamp) is dropped: it does not wait for
 *       that version, so it can neither block the commands after it (a ROLLBACK after a PIN of a future version
 *       applies) nor change serving hours later when the version arrives; the command check dead-letters it as
 *       {@code UNKNOWN_VERSION}, and that is what every instance does with it;</li>
 *   <li>a command without a version resolves against the versions published before it (by timestamp), not against
 *       whatever an instance has loaded when it reads the command.</li>
 * </ul>
 *
 * <p>Memory and time stay bounded however long the logs grow: a model's merged log keeps its newest
 * {@link #KEEP_EVENTS} to {@link #MAX_EVENTS} events; older ones are folded once into a base decision that later
 * folds start from, and their command ids move to a bounded set of replays to ignore ({@link #MAX_FOLDED_IDS}). A
 * record read later with a timestamp before the folded part (a producer clock far behind) applies at the start of
 * what remains rather than in its place; the fold is the same on every instance as long as no record is that late.
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

  /** Events of one model kept unfolded before the oldest are folded into its base. */
  static final int MAX_EVENTS = 512;
  /** Events left unfolded after a fold of the oldest. */
  static final int KEEP_EVENTS = 256;
  /** Ids of folded commands remembered to ignore their replays. */
  static final int MAX_FOLDED_IDS = 4096;

  /** One model's merged log: the decision after its folded prefix, and the events after it in order. */
  private static final class Timeline {
    Decision base = new Decision();
    final List<Event> events = new ArrayList<>();
  }

  private final ModelCatalog catalog;
  private final Map<String, Timeline> timelines = new HashMap<>();
  /** Ids of the commands in the timelines' unfolded events. */
  private final Set<String> seenCommands = new HashSet<>();
  /** Ids of folded commands, oldest first. */
  private final LinkedHashSet<String> foldedIds = new LinkedHashSet<>();

  PendingCommands(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  /** A command read from the command topic at {@code timestamp}. Replays (same command id) are ignored. */
  void offer(ModelCommand command, long timestamp) {
    if (foldedIds.contains(command.getCommandId()) || !seenCommands.add(command.getCommandId())) {
      return;
    }
    add(command.getModelId(), new Event(timestamp, 0, command));
  }

  /** {@code version} of {@code modelId} was loaded into the catalog; its snapshot record has {@code timestamp}. */
  void versionLoaded(String modelId, long version, long timestamp) {
    add(modelId, new Event(timestamp, version, null));
  }

  private void add(String modelId, Event event) {
    Timeline timeline = timelines.computeIfAbsent(modelId, id -> new Timeline());
    List<Event> events = timeline.events;
    int at = events.size();
    while (at > 0 && ORDER.compare(events.get(at - 1), event) > 0) {
      at--;
    }
    events.add(at, event);
    if (events.size() > MAX_EVENTS) {
      foldOldest(timeline);
    }
    Decision d = fold(modelId);
    if (d.serving > 0 || d.shadow > 0) {
      catalog.decide(modelId, d.serving, d.pinned, d.shadow);
    }
  }

  /** Folds the oldest events of {@code timeline} into its base, keeping the newest {@link #KEEP_EVENTS}. */
  private void foldOldest(Timeline timeline) {
    List<Event> oldest = timeline.events.subList(0, timeline.events.size() - KEEP_EVENTS);
    Decision base = timeline.base.copy();
    for (Event e : oldest) {
      apply(base, e);
      if (e.command() != null) {
        String id = e.command().getCommandId();
        seenCommands.remove(id);
        foldedIds.add(id);
      }
    }
    Iterator<String> it = foldedIds.iterator();
    while (foldedIds.size() > MAX_FOLDED_IDS && it.hasNext()) {
      it.next();
      it.remove();
    }
    timeline.base = base;
    oldest.clear();
  }

  /** The state after the whole timeline of one model. */
  private static final class Decision {
    long serving;
    boolean pinned;
    long shadow;
    final TreeSet<Long> seen = new TreeSet<>();

    long newest() {
      return seen.isEmpty() ? 0 : seen.last();
    }

    Decision copy() {
      Decision d = new Decision();
      d.serving = serving;
      d.pinned = pinned;
      d.shadow = shadow;
      d.seen.addAll(seen);
      return d;
    }
  }

  private static void apply(Decision d, Event e) {
    if (e.command() == null) {
      arrived(d, e.version());
    } else {
      command(d, e.command());
    }
  }

  private Decision fold(String modelId) {
    Timeline timeline = timelines.get(modelId);
    if (timeline == null) {
      return new Decision();
    }
    Decision d = timeline.base.copy();
    for (Event e : timeline.events) {
      apply(d, e);
    }
    return d;
  }

  private static void arrived(Decision d, long version) {
    d.seen.add(version);
    if (!d.pinned) {
      d.serving = Math.max(d.serving, version);
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
        d.pinned = false;
        d.serving = d.newest();
      }
      case SHADOW -> {
        long t = target == null ? d.newest() : target;
        if (d.seen.contains(t)) {
          d.shadow = t;
        } else {
          LOG.debug("command {} (SHADOW {} of {}) dropped: that version was not published before it",
              c.getCommandId(), t, c.getModelId());
        }
      }
      case UNSHADOW -> {
        d.shadow = 0;
      }
      default -> LOG.warn("command {} has an unknown action {}", c.getCommandId(), c.getAction());
    }
  }

  /** Serves {@code version} if it was published before the command; otherwise the command is dropped. */
  private static void serve(Decision d, ModelCommand c, long version, boolean pin) {
    if (version <= 0) {
      return;
    }
    if (d.seen.contains(version)) {
      d.serving = version;
      d.pinned = pin;
    } else {
      LOG.debug("command {} ({} {} of {}) dropped: that version was not published before it", c.getCommandId(),
          c.getAction(), version, c.getModelId());
    }
  }

  /** Ids of the models with a timeline. */
  Set<String> models() {
    return timelines.keySet();
  }

  /** Unfolded events of {@code modelId} (for tests: bounded by {@link #MAX_EVENTS}). */
  int events(String modelId) {
    Timeline timeline = timelines.get(modelId);
    return timeline == null ? 0 : timeline.events.size();
  }

  /** Command ids remembered to ignore replays (for tests: bounded). */
  int rememberedCommandIds() {
    return seenCommands.size() + foldedIds.size();
  }
}
