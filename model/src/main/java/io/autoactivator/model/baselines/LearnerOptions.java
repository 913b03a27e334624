package io.autoactivator.model.baselines;

import java.util.Map;
import java.util.TreeMap;

/** Typed access to a learner's string options; an unknown key is an error that lists the known ones. */
final class LearnerOptions {

  private final String learner;
  private final Map<String, String> values;

  LearnerOptions(String learner, Map<String, String> options, Map<String, String> docs) {
    this.learner = learner;
    this.values = new TreeMap<>(options == null ? Map.of() : options);
    for (String key : values.keySet()) {
      if (!docs.containsKey(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "' for learner " + learner + "; known: "
            + docs.keySet());
      }
    }
  }

  int integer(String key, int fallback, int min) {
    String value = values.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min) {
        throw new IllegalArgumentException(learner + "." + key + " must be >= " + min + ", got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(learner + "." + key + " must be an integer, got '" + value + "'", e);
    }
  }

  double real(String key, double fallback, double minExclusive) {
    String value = values.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      if (!(parsed > minExclusive) || !Double.isFinite(parsed)) {
        throw new IllegalArgumentException(learner + "." + key + " must be > " + minExclusive + ", got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(learner + "." + key + " must be a number, got '" + value + "'", e);
    }
  }

  /** A short deterministic description of the options for config hashes. */
  String canonical() {
    return values.toString();
  }
}
