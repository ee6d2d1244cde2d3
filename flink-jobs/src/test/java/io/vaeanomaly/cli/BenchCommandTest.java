package io.vaeanomaly.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaeanomaly.linalg.SymmetricEigen;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchCommandTest {
    @Test
    @Timeout(300)
    void printsEveryFigureOfTheLikeForLikeComparison() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code =
                    Main.commandLine()
                            .execute(
                                    "bench",
                                    "--seconds",
                                    "0.05",
                                    "--threads",
                                    "2",
                                    "--batch",
                                    "32",
                                    "--samples",
                                    "4",
                                    "--converge-rows",
                                    "0",
                                    "--json");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = stdout.lines().toList();
        JsonNode js = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        for (String rate :
                List.of(
                        "scoring_events_per_s",
                        "dl4j_scoring_events_per_s",
                        "scoring_events_per_s_per_feature_variance",
                        "training_examples_per_s",
                        "dl4j_training_examples_per_s")) {
            assertThat(js.get(rate).asDouble()).as(rate).isPositive();
        }
        assertThat(js.get("scoring_ratio").asDouble()).isPositive();
        assertThat(js.get("training_ratio").asDouble()).isPositive();
        assertThat(js.get("threads").asInt()).isEqualTo(2);
        assertThat(js.get("dl4j_threads").asInt()).isEqualTo(2);
        assertThat(js.get("params").asLong()).isEqualTo(js.get("dl4j_params").asLong());
        assertThat(js.has("train_seconds_to_converge")).isTrue();
        assertThat(js.has("train_verdict")).isTrue();
        assertThat(js.has("load_average_before")).isTrue();
        assertThat(stdout).contains("scoring :").contains("training:").contains("parameters:");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("measuring DL4J scoring");
    }

    @Test
    void refusesAComparisonThatIsNotLikeForLike() {
        BenchCommand bench = new BenchCommand();
        bench.d = 38;
        bench.latent = 8;
        VaeConfig perFeature =
                VaeConfig.builder(38)
                        .hidden(64, 64)
                        .latentDim(8)
                        .decoderVariance(DecoderVariance.PER_FEATURE)
                        .build();
        var dl4j = bench.dl4jNetwork();
        Vae ours = new Vae(perFeature, VaeParameters.initialise(perFeature, 1));
        assertThatThrownBy(() -> BenchCommand.checkLikeForLike(dl4j, ours))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("decoder variance PER_FEATURE")
                .hasMessageContaining("parameter counts differ");
        VaeConfig heteroscedastic =
                perFeature.toBuilder().decoderVariance(DecoderVariance.HETEROSCEDASTIC).build();
        Vae same = new Vae(heteroscedastic, VaeParameters.initialise(heteroscedastic, 1));
        assertThat(BenchCommand.checkLikeForLike(dl4j, same)).isEqualTo(same.parameters().count());
        VaeConfig wider = heteroscedastic.toBuilder().hidden(64, 32).build();
        Vae other = new Vae(wider, VaeParameters.initialise(wider, 1));
        assertThatThrownBy(() -> BenchCommand.checkLikeForLike(dl4j, other))
                .hasMessageContaining("layer sizes");
    }

    @Test
    void benchDataIsFixedStandardisedAndLowRankPlusNonlinear() {
        double[][] a = BenchData.generate(4000, 38, 20_000);
        assertThat(BenchData.generate(4000, 38, 20_000)).isDeepEqualTo(a);
        int d = a[0].length;
        double[][] cov = new double[d][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            double sq = 0;
            for (double[] row : a) {
                mean += row[j];
                sq += row[j] * row[j];
            }
            assertThat(mean / a.length).isCloseTo(0.0, within(1e-9));
            assertThat(sq / a.length).isCloseTo(1.0, within(1e-9));
        }
        for (double[] row : a) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] += row[i] * row[j] / a.length;
                }
            }
        }
        double[] eig = SymmetricEigen.valuesOf(cov);
        double top4 = eig[0] + eig[1] + eig[2] + eig[3];
        double top7 = top4 + eig[4] + eig[5] + eig[6];
        // Four linear factors carry most of the variance, the three nonlinear terms most of the
        // rest, and the independent noise (0.1 per feature) the remainder.
        assertThat(top4 / d).isBetween(0.5, 0.95);
        assertThat(top7 / d).isGreaterThan(0.95);
    }
}
