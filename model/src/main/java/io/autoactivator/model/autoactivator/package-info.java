/**
 * The AutoActivator learner (Li et al., ICML 2024, arXiv 2406.02428), reconstructed as documented in
 * shared/research/autoactivator.md: one frozen unit of supervised random nodes per task, closed-form ridge heads
 * grown block by block, and per-sample reactivation of one unit at inference.
 *
 * <p>Entry points: {@link io.autoactivator.model.autoactivator.AutoActivatorProvider} (learners {@code autoactivator}
 * and {@code autoactivator-paper} in {@link io.autoactivator.model.api.Learners}),
 * {@link io.autoactivator.model.autoactivator.AutoActivatorConfig} (every option, its default and meaning),
 * {@link io.autoactivator.model.autoactivator.AutoActivatorLearner} (training) and
 * {@link io.autoactivator.model.autoactivator.AutoActivatorModel} (inference, weights).
 *
 * <p>Measured on split-MNIST (5 x 2 classes, all 60000 training images, 10000 test images, seed 1, defaults) on a
 * shared 2-core machine under heavy load (load average 10-19): test accuracy without task id 95.8 %, task-id
 * accuracy of the ridge router 96.1 %; the paper's threshold rule on the same units 60.8 % / 60.8 %; with the task
 * id given 99.5 %. With router=mahalanobis on 1000 training images per class: 92.2 % / 93.9 % (ridge on the same
 * slice: 93.4 % / 95.1 %), at 15.7 M parameters instead of 7.1 M. Training the full sequence took 142-174 s wall at load
 * about 5 and 352 s at load about 14 (about 140 s of CPU either way), far from the 30 s target.
 */
package io.autoactivator.model.autoactivator;
