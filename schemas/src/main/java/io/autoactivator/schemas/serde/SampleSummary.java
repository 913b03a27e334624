package io.autoactivator.schemas.serde;

import java.util.List;

import io.autoactivator.schemas.LabelledSample;

/**
 * What the ingest path needs of a {@link LabelledSample}: its ids, its label, how many features it has and the
 * first feature that is not finite, if any. Read by {@link SampleSummaryReader} without materialising the features.
 *
 * @param featureCount   length of the feature vector
 * @param firstNonFinite index of the first NaN or infinite feature, or -1 when every feature is finite
 * @param nonFiniteValue that feature's value (NaN when every feature is finite)
 */
public record SampleSummary(String modelId, String taskId, String sampleId, int label, long featureCount,
        long firstNonFinite, float nonFiniteValue) {

    /** The summary of a sample already decoded. */
    public static SampleSummary of(LabelledSample sample) {
        List<Float> features = sample.getFeatures();
        long bad = -1;
        float value = Float.NaN;
        for (int i = 0; i < features.size(); i++) {
            float f = features.get(i);
            if (!Float.isFinite(f)) {
                bad = i;
                value = f;
                break;
            }
        }
        return new SampleSummary(str(sample.getModelId()), str(sample.getTaskId()), str(sample.getSampleId()),
                sample.getLabel(), features.size(), bad, value);
    }

    private static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }
}
