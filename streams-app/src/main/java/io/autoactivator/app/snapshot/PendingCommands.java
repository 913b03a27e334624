package io.autoactivator.app.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.autoactivator.schemas.ModelAction;
import io.autoactivator.schemas.ModelCommand;

/**
 * Applies rollout commands to the catalog in log order per model, holding back a command whose version has not been
 * loaded yet (a promote may overtake its snapshot). A command that can never apply is dropped with a warning instead
 * of waiting forever, so one bad command (say, {@code PIN 99} of a model at version 3) cannot freeze every rollout
 * after it; and one model's waiting command never holds back another model's.
 *
 * <p>Not thread-safe: owned by the follower's thread.
 */
final class PendingCommands {

  private static final Logger LOG = LoggerFactory.getLogger(PendingCommands.class);

  private final ModelCatalog catalog;
  private final Map<String, List<ModelCommand>> waiting = new HashMap<>();
  private final Set<String> done = new HashSet<>();

  PendingCommands(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  /** A command read from the command topic; applied now if its version is loaded. Replays are ignored. */
  void offer(ModelCommand command) {
    if (done.contains(command.getCommandId())) {
      return;
    }
    List<ModelCommand> queue = waiting.computeIfAbsent(command.getModelId(), id -> new ArrayList<>());
    queue.add(command);
    versionLoaded(command.getModelId());
    if (queue.contains(command)) {
      LOG.info("command {} ({} {} of {}) waits for its version to be loaded", command.getCommandId(),
          command.getAction(), command.getTargetVersion(), command.getModelId());
    }
  }

  /** A version of {@code modelId} was loaded: applies its waiting commands, in order, as far as possible. */
  void versionLoaded(String modelId) {
    List<ModelCommand> queue = waiting.get(modelId);
    while (queue != null && !queue.isEmpty()) {
      ModelCommand head = queue.get(0);
      if (catalog.apply(head.getModelId(), head.getAction(), head.getTargetVersion())) {
        done.add(head.getCommandId());
        queue.remove(0);
      } else if (canNeverApply(head)) {
        LOG.warn("command {} ({} {} of {}) dropped: that version does not exist and never will (newest is {})",
            head.getCommandId(), head.getAction(), head.getTargetVersion(), modelId,
            catalog.view(modelId).map(ModelView::latest).orElse(0L));
        done.add(head.getCommandId());
        queue.remove(0);
      } else {
        return;
      }
    }
  }

  /** Commands of {@code modelId} still waiting, oldest first. */
  List<ModelCommand> waiting(String modelId) {
    return List.copyOf(waiting.getOrDefault(modelId, List.of()));
  }

  /** A model's versions load in increasing order, so a missing version below the newest one never arrives. */
  private boolean canNeverApply(ModelCommand command) {
    Optional<ModelView> view = catalog.view(command.getModelId());
    if (view.isEmpty() || view.get().versions().isEmpty()) {
      return false;
    }
    Long target = command.getTargetVersion();
    if (target == null) {
      return command.getAction() == ModelAction.ROLLBACK;
    }
    return target <= view.get().latest() && !view.get().versions().containsKey(target);
  }
}
