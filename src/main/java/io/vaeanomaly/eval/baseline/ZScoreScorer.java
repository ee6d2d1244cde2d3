package io.vaeanomaly.eval.baseline;

/**
 * Per-feature z-score baseline: standardise each column with the training mean and population
 * standard deviation, and score a row by its largest absolute z-score, {@code max_j |z_j|}. So a
 * row is as anomalous as its most surprising feature. (The alternative {@code sum_j z_j^2}
 * measured almost the same on SMAP; the maximum was the closer match to the published
 * baseline; see the package documentation.)
 *
 * <p>With no columns left (every column constant and {@link ConstantColumns#DROP}) every score
 * is 0.
 */
public final class ZScoreScorer implements AnomalyScorer {
    private final ConstantColumns constantColumns;
    private Standardizer standardizer;

    /** Constant columns kept with unit scale. */
    public ZScoreScorer() {
        this(ConstantColumns.UNIT_SCALE);
    }

    /** @param constantColumns what standardisation does with columns constant in training */
    public ZScoreScorer(ConstantColumns constantColumns) {
        if (constantColumns == null) {
            throw new IllegalArgumentException("constantColumns must not be null");
        }
        this.constantColumns = constantColumns;
    }

    @Override
    public void fit(double[][] train) {
        standardizer = Standardizer.fit(train, constantColumns);
    }

    @Override
    public double[] score(double[][] test) {
        if (standardizer == null) {
            throw new IllegalStateException("score called before fit");
        }
        double[][] z = standardizer.transform(test);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            double m = 0;
            for (double v : z[i]) {
                m = Math.max(m, Math.abs(v));
            }
            out[i] = m;
        }
        return out;
    }

    @Override
    public String name() {
        return "zscore";
    }
}
