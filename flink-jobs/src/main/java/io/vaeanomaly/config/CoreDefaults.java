package io.vaeanomaly.config;

import io.vaeanomaly.detect.DetectorSettings;
import io.vaeanomaly.detect.ScoringSettings;
import io.vaeanomaly.detect.ThresholdSettings;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.train.KlSchedule;
import io.vaeanomaly.train.TrainingRecipe;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The core library's defaults, read from objects its builders make with nothing set, so that an
 * option's default is the core's default by construction: a default changed in the core changes
 * the job's (and configs/job.yaml, which a test keeps equal to the code). The one deliberate
 * exception is {@link ModelOptions#DECODER_VARIANCE}, documented there.
 */
final class CoreDefaults {
    private CoreDefaults() {}

    /** An architecture with every default (the input dimension is irrelevant here). */
    static final VaeConfig VAE = VaeConfig.builder(1).build();

    /** The default training recipe. */
    static final TrainingRecipe RECIPE = TrainingRecipe.defaults();

    /** The default retraining policy, sample and promotion tolerance. */
    static final DetectorSettings DETECTOR = DetectorSettings.defaults();

    /** The default scoring. */
    static final ScoringSettings SCORING = ScoringSettings.DEFAULT;

    /** The default threshold. */
    static final ThresholdSettings THRESHOLD = ThresholdSettings.DEFAULT;

    /**
     * The default parameters of a KL schedule of {@code type}: the default recipe's schedule if
     * it is of that type, otherwise the core's preset recipe of that type.
     */
    static KlSchedule schedule(KlSchedule.Type type) {
        if (RECIPE.klSchedule().type() == type) {
            return RECIPE.klSchedule();
        }
        return switch (type) {
            case CYCLICAL -> TrainingRecipe.cyclical().klSchedule();
            case MONOTONIC -> TrainingRecipe.warmup().klSchedule();
            case NONE -> KlSchedule.none();
        };
    }

    static List<Integer> list(int[] sizes) {
        return Arrays.stream(sizes).boxed().collect(Collectors.toList());
    }
}
