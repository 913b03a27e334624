package io.autoactivator.model.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class InputTransformTest {

  /** Two features in different units: lengths in metres (~1) and counts in the thousands. */
  static final float[][] MIXED = {{1.0f, 1000f}, {1.5f, 3000f}, {2.0f, 2000f}, {0.5f, 4000f}};
  /** Pixels: every feature in [0, 1]. */
  static final float[][] PIXELS = {{0f, 0.5f, 1f}, {0f, 1f, 0.2f}, {0f, 0.1f, 0.9f}, {0f, 0.7f, 0.4f}};

  @Test
  void featuresInDifferentUnitsAreStandardisedOneByOne() {
    InputTransform t = InputTransform.fit(MIXED, InputTransform.Mode.AUTO);
    assertThat(t.kind()).isEqualTo(InputTransform.Kind.STANDARDIZE);
    float[][] z = t.apply(MIXED);
    for (int j = 0; j < 2; j++) {
      double mean = 0;
      double square = 0;
      for (float[] row : z) {
        mean += row[j] / z.length;
        square += row[j] * row[j] / z.length;
      }
      assertThat(mean).isCloseTo(0, within(1e-5));
      assertThat(square).isCloseTo(1, within(1e-4));
    }
  }

  @Test
  void featuresOnOneScaleKeepTheirRelativeScales() {
    InputTransform t = InputTransform.fit(PIXELS, InputTransform.Mode.AUTO);
    assertThat(t.kind()).isEqualTo(InputTransform.Kind.GLOBAL);
    float[] scale = t.scale();
    assertThat(scale[0]).isEqualTo(scale[1]).isEqualTo(scale[2]);
    float[] shift = t.shift();
    assertThat(shift[0]).isEqualTo(shift[1]).isEqualTo(shift[2]);
    // a pixel that never lit up on the first task is not blown up when it lights up later
    float[][] later = t.apply(new float[][] {{1f, 0.5f, 0.5f}});
    assertThat(Math.abs(later[0][0])).isLessThan(5f);
    assertThat(InputTransform.fit(PIXELS, InputTransform.Mode.STANDARDIZE).apply(new float[][] {{1f, 0f, 0f}})[0][0])
        .as("a constant feature is only centred").isEqualTo(1f);
  }

  @Test
  void aNarrowDenseFeatureBesideWideOnesMeansDifferentUnits() {
    // a refractive index (1.52 +- 0.003) beside percentages (+- 1): the ranges' spread is in one dense feature
    float[][] glass = new float[40][];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < glass.length; i++) {
      glass[i] = new float[] {1.52f + 0.003f * (float) random.nextGaussian(), 13 + (float) random.nextGaussian(),
          72 + (float) random.nextGaussian(), 8 + (float) random.nextGaussian()};
    }
    assertThat(InputTransform.fit(glass, InputTransform.Mode.AUTO).kind()).isEqualTo(InputTransform.Kind.STANDARDIZE);
  }

  @Test
  void aNarrowFeatureThatIsMostlyOneValueDoesNotMeanDifferentUnits() {
    // pixels: a border pixel lit faintly on a few rows has a tiny range, but it is background on most of them
    float[][] pixels = new float[40][];
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = new float[] {random.nextFloat(), random.nextFloat(), i % 10 == 0 ? 0.01f : 0f, random.nextFloat()};
    }
    assertThat(InputTransform.dense(pixels)).containsExactly(true, true, false, true);
    assertThat(InputTransform.fit(pixels, InputTransform.Mode.AUTO).kind()).isEqualTo(InputTransform.Kind.GLOBAL);
  }

  @Test
  void noneIsTheIdentity() {
    InputTransform t = InputTransform.fit(MIXED, InputTransform.Mode.NONE);
    assertThat(t.kind()).isEqualTo(InputTransform.Kind.NONE);
    assertThat(t.apply(MIXED)).isSameAs(MIXED);
  }

  @Test
  void itRoundTripsAndRejectsForgedScales() throws IOException {
    InputTransform t = InputTransform.fit(MIXED, InputTransform.Mode.AUTO);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.write(new DataOutputStream(bytes));
    assertThat(InputTransform.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())))).isEqualTo(t);

    byte[] forged = bytes.toByteArray();
    // the last float is the last feature's scale: make it 0
    forged[forged.length - 4] = 0;
    forged[forged.length - 3] = 0;
    forged[forged.length - 2] = 0;
    forged[forged.length - 1] = 0;
    assertThatThrownBy(() -> InputTransform.read(new DataInputStream(new ByteArrayInputStream(forged))))
        .isInstanceOf(IOException.class).hasMessageContaining("invalid input transform");
  }

  @Test
  void modesParseAndNameThemselves() {
    assertThat(InputTransform.Mode.parse(" Standardize ")).isEqualTo(InputTransform.Mode.STANDARDIZE);
    assertThat(InputTransform.Mode.AUTO.option()).isEqualTo("auto");
    assertThatThrownBy(() -> InputTransform.Mode.parse("zscore")).hasMessageContaining("valid values");
  }
}
