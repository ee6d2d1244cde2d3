package io.vaeanomaly.eval.baseline;

/**
 * What standardisation does with a column whose training values are all equal (standard deviation
 * 0), for example a command flag that never fires in the training period.
 */
public enum ConstantColumns {
    /**
     * Keep the column, centre it on its training value and divide by 1 instead of 0, so a test
     * deviation counts in raw units (scikit-learn's {@code StandardScaler} convention).
     */
    UNIT_SCALE,
    /** Ignore the column: it carries no information that training could calibrate. */
    DROP
}
