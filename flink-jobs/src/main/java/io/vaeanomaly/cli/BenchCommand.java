package io.vaeanomaly.cli;

import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.NdRuntime;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.AdamOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: scoring and training throughput of our VAE against DL4J's {@code
 * VariationalAutoencoder} layer with the same architecture, in the same run and JVM.
 *
 * <p>Both sides get every core: DL4J through ND4J's own OpenMP/BLAS threads (its default), ours
 * through one scorer per core (how Flink runs it: one per subtask). Training compares one
 * optimizer step on equal batches (DL4J {@code pretrainLayer} vs our forward, backward and Adam
 * step); our full trainer with per-epoch diagnostics is reported separately.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Throughput of scoring and training against DL4J's VariationalAutoencoder.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--features", defaultValue = "38", description = "d (${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--latent", defaultValue = "8", description = "Latent size (${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--samples", defaultValue = "16", description = "L (${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Measured seconds per figure, after a warm-up of the same length (${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", description = "Scoring threads for our side (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int ourThreads = threads == null ? cores : threads;
        double[][] data = new double[batch * 16][d];
        GaussianNoise g = new GaussianNoise(1);
        for (double[] r : data) {
            g.fill(r);
        }
        INDArray features = Nd4j.create(data).castTo(DataType.FLOAT);

        // --- DL4J baseline, with ND4J's default threading (all cores).
        NdRuntime.setThreads(cores);
        MultiLayerNetwork net = dl4jNetwork();
        org.deeplearning4j.nn.layers.variational.VariationalAutoencoder layer =
                (org.deeplearning4j.nn.layers.variational.VariationalAutoencoder) net.getLayer(0);
        List<INDArray> batches = new ArrayList<>();
        for (int s = 0; s + batch <= data.length; s += batch) {
            batches.add(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s, s + batch)).dup());
        }
        System.err.println("measuring DL4J scoring ...");
        double dl4jScoring = rate(seconds, i -> {
            layer.reconstructionLogProbability(batches.get(i % batches.size()), samples);
            return batch;
        });
        System.err.println("measuring DL4J training ...");
        double dl4jTraining = rate(seconds, i -> {
            net.pretrainLayer(0, batches.get(i % batches.size()));
            return batch;
        });

        // --- Ours: ND4J single-threaded per caller, one scorer per core.
        NdRuntime.setThreads(1);
        VaeConfig cfg = VaeConfig.builder(d).hidden(64, 64).latentDim(latent).build();
        Vae vae = new Vae(cfg, VaeParameters.initialise(cfg, 42));
        System.err.println("measuring our scoring (" + ourThreads + " threads) ...");
        double ourScoring = parallelScoring(vae, data, ourThreads);
        double ourScoringOneThread = parallelScoring(vae, data, 1);
        System.err.println("measuring our training ...");
        double ourTraining = ourTrainingSteps(vae, data);

        System.out.printf(
                "shape: d=%d, encoder/decoder [64,64], latent %d, L=%d, batch %d, %d cores%n",
                d, latent, samples, batch, cores);
        System.out.printf(
                "scoring : ours %,.0f events/s (%d threads; %,.0f on one), DL4J %,.0f events/s -> %.1fx%n",
                ourScoring, ourThreads, ourScoringOneThread, dl4jScoring, ourScoring / dl4jScoring);
        System.out.printf(
                "training: ours %,.0f examples/s, DL4J %,.0f examples/s -> %.1fx%n",
                ourTraining, dl4jTraining, ourTraining / dl4jTraining);
        if (json) {
            Map<String, Object> s = JsonSummary.ordered();
            s.put("scoring_events_per_s", Math.round(ourScoring));
            s.put("scoring_events_per_s_one_thread", Math.round(ourScoringOneThread));
            s.put("dl4j_scoring_events_per_s", Math.round(dl4jScoring));
            s.put("scoring_ratio", JsonSummary.round(ourScoring / dl4jScoring, 2));
            s.put("training_examples_per_s", Math.round(ourTraining));
            s.put("dl4j_training_examples_per_s", Math.round(dl4jTraining));
            s.put("training_ratio", JsonSummary.round(ourTraining / dl4jTraining, 2));
            s.put("cores", cores);
            s.put("batch", batch);
            s.put("samples", samples);
            JsonSummary.print(System.out, s);
        }
        return 0;
    }

    private MultiLayerNetwork dl4jNetwork() {
        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(42)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(1e-3))
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(
                                new VariationalAutoencoder.Builder()
                                        .activation(Activation.TANH)
                                        .encoderLayerSizes(64, 64)
                                        .decoderLayerSizes(64, 64)
                                        .pzxActivationFunction(Activation.IDENTITY)
                                        .reconstructionDistribution(
                                                new GaussianReconstructionDistribution(
                                                        Activation.IDENTITY))
                                        .nIn(d)
                                        .nOut(latent)
                                        .build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private double parallelScoring(Vae vae, double[][] data, int nThreads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            for (int t = 0; t < nThreads; t++) {
                int offset = t;
                fs.add(
                        pool.submit(
                                () -> {
                                    ReconstructionScorer scorer =
                                            new ReconstructionScorer(
                                                    vae, samples, ScoreMode.LOG_MEAN_EXP, 3, 7);
                                    int nb = data.length / batch;
                                    double r =
                                            rate(
                                                    seconds,
                                                    i -> {
                                                        int s = ((i + offset) % nb) * batch;
                                                        scorer.score(
                                                                java.util.Arrays.copyOfRange(
                                                                        data, s, s + batch));
                                                        return batch;
                                                    });
                                    return new double[] {r};
                                }));
            }
            double total = 0;
            for (Future<double[]> f : fs) {
                total += f.get()[0];
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private double ourTrainingSteps(Vae vae, double[][] data) {
        VaeParameters params = vae.parameters();
        AdamOptimizer adam = new AdamOptimizer(params);
        VaeParameters grad = params.zerosLike();
        GaussianNoise noise = new GaussianNoise(3);
        int nb = data.length / batch;
        double[][] flatBatches = new double[nb][];
        for (int b = 0; b < nb; b++) {
            flatBatches[b] = new double[batch * d];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(data[b * batch + i], 0, flatBatches[b], i * d, d);
            }
        }
        return rate(seconds, i -> {
            INDArray x = Nd4j.create(flatBatches[i % nb], new long[] {batch, d}, DataType.FLOAT);
            double[] eps = new double[batch * latent];
            noise.fill(eps);
            INDArray e = Nd4j.create(eps, new long[] {batch, latent}, DataType.FLOAT);
            Vae.StepResult r = vae.lossAndGradients(x, e, 1.0, 0.1);
            grad.assign(r.gradients());
            INDArray gf = grad.flat();
            double norm = gf.norm2Number().doubleValue();
            if (norm > 10) {
                gf.muli(10 / norm);
            }
            adam.step(params, gf, 1e-3);
            return batch;
        });
    }

    /** Items per second of {@code work} over {@code seconds}, after an equal warm-up. */
    static double rate(double seconds, Work work) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            work.run(i++);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long items = 0;
        while (System.nanoTime() < end) {
            items += work.run(i++);
        }
        return items / ((System.nanoTime() - start) / 1e9);
    }

    @FunctionalInterface
    interface Work {
        long run(int iteration);
    }
}
