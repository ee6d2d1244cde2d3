package io.vaeanomaly.config;

import io.vaeanomaly.detect.ThresholdSettings;
import java.io.Serializable;
import java.util.List;

/**
 * The {@code threshold} section: when a log-probability counts as anomalous. The type is the
 * core's {@link ThresholdSettings.Type}; the defaults are the core's.
 *
 * @param type threshold algorithm
 * @param risk SPOT: target probability of a normal event exceeding the threshold
 * @param initialQuantile SPOT: quantile of the calibration scores where the tail starts
 * @param quantile quantile: fraction of calibration scores below the threshold
 * @param staticLogProb static: events with a log-probability below this are anomalies
 */
public record ThresholdOptions(
        ThresholdSettings.Type type,
        double risk,
        double initialQuantile,
        double quantile,
        double staticLogProb)
        implements Serializable {

    public static final ConfigOption<ThresholdSettings.Type> TYPE =
            ConfigOption.withDefault(
                    "threshold.type",
                    ValueTypes.oneOf(ThresholdSettings.Type.class),
                    CoreDefaults.THRESHOLD.type(),
                    "Threshold algorithm: spot (extreme value theory), quantile, or static.");
    public static final ConfigOption<Double> RISK =
            ConfigOption.withDefault(
                    "threshold.risk",
                    ValueTypes.openInterval(0, 1),
                    CoreDefaults.THRESHOLD.risk(),
                    "spot: target probability that a normal event exceeds the threshold.");
    public static final ConfigOption<Double> INITIAL_QUANTILE =
            ConfigOption.withDefault(
                    "threshold.initial-quantile",
                    ValueTypes.openInterval(0, 1),
                    CoreDefaults.THRESHOLD.initialLevel(),
                    "spot: quantile of the calibration scores where the modelled tail starts.");
    public static final ConfigOption<Double> QUANTILE =
            ConfigOption.withDefault(
                    "threshold.quantile",
                    ValueTypes.openInterval(0, 1),
                    CoreDefaults.THRESHOLD.quantile(),
                    "quantile: fraction of held-out scores that are not anomalous.");
    public static final ConfigOption<Double> STATIC_LOG_PROB =
            ConfigOption.withDefault(
                    "threshold.static-log-prob",
                    ValueTypes.number(),
                    CoreDefaults.THRESHOLD.staticLogProb(),
                    "static: events whose log-probability is below this are anomalies.");

    /** The options of this section, in documentation order. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(TYPE, RISK, INITIAL_QUANTILE, QUANTILE, STATIC_LOG_PROB);

    /** Validates every field; messages name the {@code threshold.*} key. */
    public ThresholdOptions {
        TYPE.check(type);
        RISK.check(risk);
        INITIAL_QUANTILE.check(initialQuantile);
        QUANTILE.check(quantile);
        STATIC_LOG_PROB.check(staticLogProb);
        // SPOT extrapolates the tail beyond the initial threshold, so the target risk must be
        // rarer than the fraction of scores that lie beyond it.
        if (type == ThresholdSettings.Type.SPOT && risk >= 1 - initialQuantile) {
            throw new ConfigException(
                    RISK.key(),
                    "must be below 1 - threshold.initial-quantile (" + (1 - initialQuantile)
                            + ") for spot");
        }
    }

    /** The core's threshold settings. */
    public ThresholdSettings settings() {
        return new ThresholdSettings(type, risk, initialQuantile, quantile, staticLogProb);
    }

    static ThresholdOptions from(ConfigValues v) {
        return new ThresholdOptions(
                v.get(TYPE),
                v.get(RISK),
                v.get(INITIAL_QUANTILE),
                v.get(QUANTILE),
                v.get(STATIC_LOG_PROB));
    }
}
