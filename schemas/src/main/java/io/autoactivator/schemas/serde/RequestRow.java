package io.autoactivator.schemas.serde;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.autoactivator.schemas.PredictionRequest;

/**
 * What the serving path needs of a {@link PredictionRequest}: its ids, its pinned version and its features as a
 * {@code float[]}, the row the model reads. Read by {@link RequestRowReader} without Avro's boxed
 * {@code List<Float>} (a 784-feature request boxed 784 {@code Float}s, then copied them into an array). The
 * request's {@code sentAt} is not carried: nothing on the serving path reads it.
 *
 * @param pinnedVersion the version to answer with, or null for the promoted one
 */
public record RequestRow(String requestId, String modelId, float[] features, Long pinnedVersion) {

    /** The row of a request already decoded. */
    public static RequestRow of(PredictionRequest request) {
        List<Float> boxed = request.getFeatures();
        float[] features = new float[boxed.size()];
        for (int i = 0; i < features.length; i++) {
            features[i] = boxed.get(i);
        }
        return new RequestRow(request.getRequestId(), request.getModelId(), features, request.getPinnedVersion());
    }

    /** Equal ids and version, and features equal bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RequestRow r && Objects.equals(requestId, r.requestId)
                && Objects.equals(modelId, r.modelId) && Arrays.equals(features, r.features)
                && Objects.equals(pinnedVersion, r.pinnedVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, modelId, pinnedVersion) * 31 + Arrays.hashCode(features);
    }

    @Override
    public String toString() {
        return "RequestRow[requestId=" + requestId + ", modelId=" + modelId + ", " + features.length
                + " features, pinnedVersion=" + pinnedVersion + "]";
    }
}
