/**
 * A faithful Java implementation of the Numenta Anomaly Benchmark (NAB) scorer: corpus and label
 * windows ({@link io.vaeanomaly.eval.nab.NabCorpus}), cost profiles
 * ({@link io.vaeanomaly.eval.nab.NabProfiles}), detector result files
 * ({@link io.vaeanomaly.eval.nab.NabResults}, {@link io.vaeanomaly.eval.nab.NabResultsWriter}),
 * the per-row sweep score ({@link io.vaeanomaly.eval.nab.NabSweep}) and the corpus-wide threshold
 * optimisation with null/perfect normalisation ({@link io.vaeanomaly.eval.nab.NabScorer}).
 *
 * <p>The algorithm follows numenta/NAB ({@code nab/sweeper.py}, {@code nab/runner.py}): one
 * threshold for the whole corpus, chosen by sweeping the distinct anomaly scores from high to low.
 */
package io.vaeanomaly.eval.nab;
