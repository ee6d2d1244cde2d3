package io.vaeanomaly.model;

import org.nd4j.linalg.api.buffer.DataType;

/** Floating-point precision of the ND4J arrays: float for speed, double for gradient checks. */
public enum Precision {
    FLOAT(DataType.FLOAT),
    DOUBLE(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }
}
