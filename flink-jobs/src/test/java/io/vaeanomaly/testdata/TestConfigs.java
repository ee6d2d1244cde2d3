package io.vaeanomaly.testdata;

import io.vaeanomaly.config.JobConfig;
import io.vaeanomaly.config.JobConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small, fast job configurations for tests: tiny VAE, short warm-up, few epochs. */
public final class TestConfigs {
    private TestConfigs() {}

    /** A small configuration; {@code overrides} ({@code key=value}) are applied last. */
    public static JobConfig small(String... overrides) {
        return JobConfigLoader.fromOverrides(smallOverrides(overrides).toArray(new String[0]));
    }

    /**
     * Program arguments of the cluster job jar ({@code FlinkJobMain}): {@code --config FILE},
     * then every setting of {@link #small} as {@code --set key=value}, {@code overrides} last.
     */
    public static List<String> jobArgs(Path configFile, List<String> overrides) {
        List<String> args = new ArrayList<>(List.of("--config", configFile.toString()));
        for (String o : smallOverrides(overrides.toArray(new String[0]))) {
            args.add("--set");
            args.add(o);
        }
        return args;
    }

    /**
     * The {@code key=value} assignments of {@link #small}, {@code overrides} last: for a job
     * started with {@code --set} arguments (a submitted jar).
     */
    public static List<String> smallOverrides(String... overrides) {
        List<String> all = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=localhost:9092",
                "kafka.input-topic=events",
                "kafka.output-topic=anomalies",
                "input.key-field=host",
                "input.feature-fields=[cpu,mem,disk,net]",
                "model.encoder-hidden=[16]",
                "model.decoder-hidden=[16]",
                "model.latent-dim=2",
                "model.score-samples=8",
                "training.warmup-events=200",
                "training.sample-size=200",
                "training.retrain-every-events=200",
                "training.epochs=10",
                "training.batch-size=32",
                "training.learning-rate=0.01",
                "training.early-stopping-patience=0",
                "threshold.type=quantile",
                "threshold.quantile=0.99",
                "training.max-buffered-events=1000"));
        all.addAll(List.of(overrides));
        return all;
    }
}
