package io.autoactivator.model.api;

/**
 * What a model remembers of one learned task: its id, its classes and how many hidden units it recruited
 * (0 for learners without per-task units, or when a task reused earlier units only).
 */
public record LearnedTask(String taskId, int[] classes, int units) {
}
