package io.autoactivator.model.autoactivator;

import java.util.Locale;

/**
 * The layout a user declares for each sample's features when they are an image ({@code input.shape}): channel planes
 * one after the other, each plane row by row ("28x28" is one 28 x 28 plane, "3x32x32" three 32 x 32 planes). The
 * features alone do not say it (784 numbers may be a 28 x 28 image or 784 sensor readings), so it is metadata of the
 * stream, declared like its dimension; it lets the router read local patches instead of every feature at once.
 *
 * @param channels planes per sample
 * @param height   rows per plane
 * @param width    columns per plane
 */
public record ImageShape(int channels, int height, int width) {

  public ImageShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("an image shape needs positive sizes, got " + channels + "x" + height + "x"
          + width);
    }
  }

  /** "none" (null), "HxW" or "CxHxW". */
  public static ImageShape parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("none")) {
      return null;
    }
    String[] parts = v.split("x");
    try {
      if (parts.length == 2) {
        return new ImageShape(1, Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
      if (parts.length == 3) {
        return new ImageShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
            Integer.parseInt(parts[2].trim()));
      }
    } catch (IllegalArgumentException e) { // not a number, or not positive
      // reported below
    }
    throw new IllegalArgumentException("bad value '" + value + "' for option input.shape; expected none, HxW or"
        + " CxHxW (for example 28x28 or 3x32x32)");
  }

  /** Features per sample. */
  public long size() {
    return (long) channels * height * width;
  }

  /** The canonical form {@link #parse} reads back. */
  @Override
  public String toString() {
    return channels == 1 ? height + "x" + width : channels + "x" + height + "x" + width;
  }
}
