package io.autoactivator.app.records;

import java.util.List;

import io.autoactivator.schemas.serde.SampleSummary;

/** Checks that need nothing but the record itself; the answer is null when the record is fine, else a message. */
public final class Validation {

  private Validation() {
  }

  /**
   * Longest id accepted: a model id is the key of every copy of its records (the repartition topic, the stores), so
   * a record's copy stays within a few KiB of the record itself.
   */
  public static final int MAX_ID_CHARS = 1024;

  /** Ids become store keys joined by '/', so they must be non-empty, free of it, and short. */
  public static String checkId(String what, CharSequence id) {
    if (id == null || id.length() == 0) {
      return what + " is empty";
    }
    if (id.length() > MAX_ID_CHARS) {
      return what + " has " + id.length() + " characters, more than " + MAX_ID_CHARS;
    }
    if (id.toString().indexOf('/') >= 0) {
      return what + " '" + id + "' contains '/'";
    }
    return null;
  }

  /** A feature vector must be non-empty and finite. */
  public static String checkFeatures(List<Float> features) {
    if (features.isEmpty()) {
      return "the feature vector is empty";
    }
    for (int i = 0; i < features.size(); i++) {
      float f = features.get(i);
      if (!Float.isFinite(f)) {
        return "feature " + i + " is " + f;
      }
    }
    return null;
  }

  /** The same check on a sample's summary (read without materialising its features). */
  public static String checkFeatures(SampleSummary sample) {
    if (sample.featureCount() == 0) {
      return "the feature vector is empty";
    }
    if (sample.firstNonFinite() >= 0) {
      return "feature " + sample.firstNonFinite() + " is " + sample.nonFiniteValue();
    }
    return null;
  }

  /** A feature vector already copied into an array must be non-empty and finite. */
  public static String checkFeatures(float[] features) {
    if (features.length == 0) {
      return "the feature vector is empty";
    }
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        return "feature " + i + " is " + features[i];
      }
    }
    return null;
  }

  /** Copies a feature list into an array. */
  public static float[] toArray(List<Float> features) {
    float[] row = new float[features.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = features.get(i);
    }
    return row;
  }
}
