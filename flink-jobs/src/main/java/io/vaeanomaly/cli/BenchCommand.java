package io.vaeanomaly.cli;

import io.vaeanomaly.diagnostics.Verdict;
import io.vaeanomaly.kernel.KernelOps;
import io.vaeanomaly.kernel.TrainingKernel;
import io.vaeanomaly.model.Activation;
import io.vaeanomaly.model.DecoderVariance;
import io.vaeanomaly.model.GaussianNoise;
import io.vaeanomaly.model.NdRuntime;
import io.vaeanomaly.model.Vae;
import io.vaeanomaly.model.VaeConfig;
import io.vaeanomaly.model.VaeParameters;
import io.vaeanomaly.score.ReconstructionScorer;
import io.vaeanomaly.score.ScoreMode;
import io.vaeanomaly.train.Trainer;
import io.vaeanomaly.train.TrainingRecipe;
import io.vaeanomaly.train.TrainingResult;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: scoring and training throughput of our VAE against DL4J's {@code
 * VariationalAutoencoder} layer, like for like, in the same run and JVM, plus the wall time of our
 * full trainer on a fixed data set.
 *
 * <p>Why each pairing is like for like:
 *
 * <ul>
 *   <li><b>Model.</b> Both sides are d=38 inputs, encoder and decoder [64, 64], latent 8, tanh
 *       hidden layers, identity heads, float32. Our side is the <em>heteroscedastic</em> decoder (a
 *       sigma per input, the job's default), DL4J's is {@link GaussianReconstructionDistribution},
 *       which also predicts a variance per input (as a log-variance head). The command checks
 *       DL4J's layer configuration (distribution, layer sizes, activation) and that both sides have
 *       the same number of parameters, and fails otherwise. Our per-feature-variance model is
 *       reported beside, for reference only.
 *   <li><b>Scoring work.</b> DL4J's {@code reconstructionLogProbability(x, L)} and our {@link
 *       ReconstructionScorer} in {@link ScoreMode#LOG_MEAN_EXP} both compute log((1/L) sum_l
 *       p(x|z_l)) with L=16 samples per event, on batches of 256 events. Ours additionally splits
 *       every score into per-feature contributions and picks the top 3 features.
 *   <li><b>Training work.</b> One optimizer step on a batch of 256, one latent sample per row,
 *       Adam: DL4J's {@code pretrainLayer} on the VAE layer, ours one step of the fused training
 *       kernel ({@link TrainingKernel}: forward pass, backward pass, gradient-norm clipping and
 *       Adam, with the batch and its noise copied in).
 *   <li><b>Threads.</b> The same number on both sides ({@code --threads}, default all cores). DL4J
 *       gets one network clone per thread and ND4J is set to one thread per call, so N clones use N
 *       cores without OpenMP/BLAS oversubscription (which measured several times slower per core);
 *       ours gets one scorer (or one model and optimizer) per thread.
 *   <li><b>Timing.</b> Every figure has its own warm-up of {@code --seconds} and at least 40 calls
 *       (JIT compilation, workspaces), then all threads run a common measured window of {@code
 *       --seconds}; a figure is the sum of the threads' rates.
 * </ul>
 *
 * <p>{@code train_seconds_to_converge} is the wall time of the full trainer (default recipe, with
 * its per-epoch diagnostics) on {@link BenchData}'s fixed 20,000 x 38 data set, with the trainer's
 * verdict beside it.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Scoring and training throughput against DL4J's VariationalAutoencoder, like for"
                        + " like (same model, work and threads), and our trainer's time to"
                        + " converge.")
public final class BenchCommand implements Callable<Integer> {
    private static final int[] HIDDEN = {64, 64};
    private static final long DATA_SEED = 20_000;

    /** Calls every thread makes before timing starts, even when --seconds has passed. */
    private static final int MIN_WARMUP = 40;

    private final List<TrainingKernel> kernels =
            java.util.Collections.synchronizedList(new ArrayList<>());

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
            description =
                    "Measured seconds per figure, after a warm-up of the same length"
                            + " (${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--threads",
            description = "Threads on each side, ours and DL4J's (default: all cores).")
    Integer threads;

    @Option(
            names = "--converge-rows",
            defaultValue = "20000",
            description =
                    "Rows of the generated data set for train_seconds_to_converge; 0 skips it"
                            + " (${DEFAULT-VALUE}).")
    int convergeRows;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0)) {
            throw new UsageException("--seconds: must be > 0 but was " + seconds);
        }
        if (batch < 1 || samples < 1 || d < 1 || latent < 1 || convergeRows < 0) {
            throw new UsageException("--batch, --samples, --features, --latent must be >= 1");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int n = threads == null ? cores : threads;
        if (n < 1) {
            throw new UsageException("--threads: must be >= 1 but was " + n);
        }
        double loadBefore = loadAverage();
        NdRuntime.setThreads(1);

        double[][] data = BenchData.generate(batch * 16, d, DATA_SEED);
        double[][][] rowBatches = new double[data.length / batch][][];
        INDArray[] ndBatches = new INDArray[rowBatches.length];
        for (int b = 0; b < rowBatches.length; b++) {
            rowBatches[b] = Arrays.copyOfRange(data, b * batch, (b + 1) * batch);
            ndBatches[b] = Nd4j.create(rowBatches[b]).castTo(DataType.FLOAT);
        }

        VaeConfig heteroscedastic = architecture(DecoderVariance.HETEROSCEDASTIC);
        VaeConfig perFeature = architecture(DecoderVariance.PER_FEATURE);
        Vae ours = new Vae(heteroscedastic, VaeParameters.initialise(heteroscedastic, 42));
        Vae oursPerFeature = new Vae(perFeature, VaeParameters.initialise(perFeature, 42));
        MultiLayerNetwork dl4j = dl4jNetwork();
        long dl4jParams = checkLikeForLike(dl4j, ours);
        System.out.printf(
                "shape: d=%d, encoder/decoder %s, latent %d, tanh, L=%d, batch %d; %d threads"
                        + " each side (%d cores)%n",
                d, Arrays.toString(HIDDEN), latent, samples, batch, n, cores);
        System.out.printf(
                "parameters: ours heteroscedastic %,d = DL4J per-input Gaussian %,d (ours"
                        + " per-feature %,d)%n",
                ours.parameters().count(), dl4jParams, oursPerFeature.parameters().count());

        // Clones are made here, not in the measuring threads: cloning one network from several
        // threads at once is not something DL4J promises to support.
        MultiLayerNetwork[] scoringClones = clones(dl4j, n);
        double dl4jScoring =
                measure(
                        "DL4J scoring",
                        n,
                        t -> {
                            var layer =
                                    (org.deeplearning4j.nn.layers.variational
                                                    .VariationalAutoencoder)
                                            scoringClones[t].getLayer(0);
                            return i -> {
                                layer.reconstructionLogProbability(
                                        ndBatches[(i + t) % ndBatches.length], samples);
                                return batch;
                            };
                        });
        double ourScoring = measure("our scoring", n, t -> scoring(ours, rowBatches, t));
        double ourScoringPerFeature =
                measure(
                        "our scoring (per-feature variance)",
                        n,
                        t -> scoring(oursPerFeature, rowBatches, t));
        MultiLayerNetwork[] trainingClones = clones(dl4j, n);
        double dl4jTraining =
                measure(
                        "DL4J training",
                        n,
                        t ->
                                i -> {
                                    trainingClones[t].pretrainLayer(
                                            0, ndBatches[(i + t) % ndBatches.length]);
                                    return batch;
                                });
        double ourTraining;
        try {
            ourTraining = measure("our training", n, t -> trainingSteps(ours, rowBatches, t));
        } finally {
            for (TrainingKernel k : kernels) {
                k.close();
            }
        }

        System.out.printf(
                "scoring : ours %,.0f events/s, DL4J %,.0f events/s -> %.1fx (ours per-feature"
                        + " variance %,.0f events/s)%n",
                ourScoring, dl4jScoring, ourScoring / dl4jScoring, ourScoringPerFeature);
        System.out.printf(
                "training: ours %,.0f examples/s, DL4J %,.0f examples/s -> %.1fx%n",
                ourTraining, dl4jTraining, ourTraining / dl4jTraining);

        double convergeSeconds = Double.NaN;
        String verdict = null;
        int epochs = 0;
        if (convergeRows > 0) {
            double[][] rows = BenchData.generate(convergeRows, d, DATA_SEED);
            TrainingRecipe recipe = TrainingRecipe.defaults().toBuilder().threads(n).build();
            System.err.printf("training to convergence on %,d x %d rows ...%n", convergeRows, d);
            long t0 = System.nanoTime();
            TrainingResult result;
            long budget = (long) recipe.epochBudget(recipe.trainRows(rows.length));
            try (ProgressBar bar = new ProgressBar("training", budget * recipe.restarts())) {
                result =
                        new Trainer()
                                .train(
                                        rows,
                                        heteroscedastic,
                                        recipe,
                                        (run, max, e) -> bar.set((long) run * max + e.epoch()));
            }
            convergeSeconds = (System.nanoTime() - t0) / 1e9;
            Verdict v = result.report().verdict();
            verdict = v.name().toLowerCase(Locale.ROOT);
            epochs = result.report().epochs();
            System.out.printf(
                    "train to convergence: %.1f s, verdict %s, %d epochs (%,d x %d rows, default"
                            + " recipe, with diagnostics)%n",
                    convergeSeconds, verdict, epochs, convergeRows, d);
        }
        double loadAfter = loadAverage();
        System.out.printf(
                "load average: %.2f before, %.2f after; vector API %s%n",
                loadBefore, loadAfter, vectorApi() ? "on" : "off");
        if (json) {
            Map<String, Object> s = JsonSummary.ordered();
            s.put("scoring_events_per_s", Math.round(ourScoring));
            s.put("dl4j_scoring_events_per_s", Math.round(dl4jScoring));
            s.put("scoring_ratio", JsonSummary.round(ourScoring / dl4jScoring, 2));
            s.put("scoring_events_per_s_per_feature_variance", Math.round(ourScoringPerFeature));
            s.put("training_examples_per_s", Math.round(ourTraining));
            s.put("dl4j_training_examples_per_s", Math.round(dl4jTraining));
            s.put("training_ratio", JsonSummary.round(ourTraining / dl4jTraining, 2));
            s.put("threads", n);
            s.put("dl4j_threads", n);
            s.put("params", ours.parameters().count());
            s.put("dl4j_params", dl4jParams);
            s.put("train_seconds_to_converge", JsonSummary.round(convergeSeconds, 2));
            s.put("train_verdict", verdict);
            s.put("train_epochs", epochs);
            s.put("train_rows", convergeRows);
            s.put("features", d);
            s.put("latent", latent);
            s.put("samples", samples);
            s.put("batch", batch);
            s.put("seconds", seconds);
            s.put("cores", cores);
            s.put("vector_api", vectorApi());
            s.put("load_average_before", JsonSummary.round(loadBefore, 2));
            s.put("load_average_after", JsonSummary.round(loadAfter, 2));
            JsonSummary.print(System.out, s);
        }
        return 0;
    }

    private VaeConfig architecture(DecoderVariance variance) {
        return VaeConfig.builder(d)
                .hidden(HIDDEN)
                .latentDim(latent)
                .activation(Activation.TANH)
                .decoderVariance(variance)
                .build();
    }

    MultiLayerNetwork dl4jNetwork() {
        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(42)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(1e-3))
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(
                                new VariationalAutoencoder.Builder()
                                        .activation(org.nd4j.linalg.activations.Activation.TANH)
                                        .encoderLayerSizes(HIDDEN)
                                        .decoderLayerSizes(HIDDEN)
                                        .pzxActivationFunction(
                                                org.nd4j.linalg.activations.Activation.IDENTITY)
                                        .reconstructionDistribution(
                                                new GaussianReconstructionDistribution(
                                                        org.nd4j.linalg.activations.Activation
                                                                .IDENTITY))
                                        .nIn(d)
                                        .nOut(latent)
                                        .build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork[] clones(MultiLayerNetwork net, int n) {
        MultiLayerNetwork[] c = new MultiLayerNetwork[n];
        for (int i = 0; i < n; i++) {
            c[i] = net.clone();
        }
        return c;
    }

    /**
     * Fails unless DL4J's layer is the model we claim to compare with: a VAE with a per-input
     * Gaussian reconstruction distribution, our layer sizes and activation, and exactly our
     * parameter count (its mean and log-variance heads are the same size as our mu and sigma
     * heads). Returns DL4J's parameter count.
     */
    static long checkLikeForLike(MultiLayerNetwork net, Vae ours) {
        VaeConfig cfg = ours.config();
        VariationalAutoencoder layer =
                (VariationalAutoencoder) net.getLayerWiseConfigurations().getConf(0).getLayer();
        List<String> problems = new ArrayList<>();
        if (!(layer.getOutputDistribution() instanceof GaussianReconstructionDistribution)) {
            problems.add("reconstruction distribution " + layer.getOutputDistribution());
        }
        if (!Arrays.equals(layer.getEncoderLayerSizes(), cfg.encoderHidden())
                || !Arrays.equals(layer.getDecoderLayerSizes(), cfg.decoderHidden())) {
            problems.add(
                    "layer sizes "
                            + Arrays.toString(layer.getEncoderLayerSizes())
                            + "/"
                            + Arrays.toString(layer.getDecoderLayerSizes()));
        }
        if (!(layer.getActivationFn() instanceof ActivationTanH)
                || cfg.activation() != Activation.TANH) {
            problems.add("activation " + layer.getActivationFn());
        }
        if (layer.getNIn() != cfg.inputDim() || layer.getNOut() != cfg.latentDim()) {
            problems.add("shape " + layer.getNIn() + " -> " + layer.getNOut());
        }
        if (cfg.decoderVariance() != DecoderVariance.HETEROSCEDASTIC) {
            problems.add("our decoder variance " + cfg.decoderVariance());
        }
        long dl4jParams = net.numParams();
        if (dl4jParams != ours.parameters().count()) {
            problems.add(
                    "parameter counts differ: DL4J "
                            + dl4jParams
                            + ", ours "
                            + ours.parameters().count());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("bench: not like for like: " + problems);
        }
        return dl4jParams;
    }

    private Work scoring(Vae vae, double[][][] rowBatches, int thread) {
        ReconstructionScorer scorer =
                new ReconstructionScorer(vae, samples, ScoreMode.LOG_MEAN_EXP, 3, 7);
        return i -> {
            scorer.score(rowBatches[(i + thread) % rowBatches.length]);
            return batch;
        };
    }

    /**
     * One optimizer step per call on this thread's own fused training kernel (one kernel thread, as
     * each DL4J clone gets one ND4J thread): rows and noise in, forward, backward, gradient
     * clipping and Adam.
     */
    private Work trainingSteps(Vae shared, double[][][] rowBatches, int thread) {
        TrainingKernel kernel = new TrainingKernel(shared.config(), batch, 1, KernelOps.get());
        kernels.add(kernel);
        kernel.load(shared.parameters());
        GaussianNoise noise = new GaussianNoise(3 + thread);
        float[] eps = new float[batch * latent];
        return i -> {
            double[][] rows = rowBatches[(i + thread) % rowBatches.length];
            for (int r = 0; r < batch; r++) {
                kernel.setRow(r, rows[r]);
            }
            noise.fill(eps);
            kernel.setNoise(eps, batch);
            kernel.step(batch, 1.0, 0.1, 1e-3, 10.0);
            return batch;
        };
    }

    /**
     * Items per second summed over {@code threads} threads: each builds its work (outside the
     * timing), then all warm up for {@code seconds} and run a common measured window of {@code
     * seconds}.
     */
    private double measure(String label, int threads, WorkFactory factory) throws Exception {
        System.err.printf(
                Locale.ROOT,
                "measuring %s (%d threads, %.1f s warm-up + %.1f s) ...%n",
                label,
                threads,
                seconds,
                seconds);
        long[] start = new long[1];
        CyclicBarrier ready = new CyclicBarrier(threads, () -> start[0] = System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> rates = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                rates.add(
                        pool.submit(
                                () -> {
                                    Work w = factory.create(thread);
                                    ready.await();
                                    long warmEnd = start[0] + (long) (seconds * 1e9);
                                    long end = warmEnd + (long) (seconds * 1e9);
                                    int i = 0;
                                    // At least MIN_WARMUP calls, however slow: code that the JIT
                                    // has not compiled yet (Vector API code above all) runs
                                    // orders of magnitude slower than compiled code.
                                    while (i < MIN_WARMUP || System.nanoTime() < warmEnd) {
                                        w.run(i++);
                                    }
                                    long first = System.nanoTime();
                                    long items = 0;
                                    do {
                                        items += w.run(i++);
                                    } while (System.nanoTime() < end);
                                    return items / ((System.nanoTime() - first) / 1e9);
                                }));
            }
            double total = 0;
            for (Future<Double> f : rates) {
                total += f.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @FunctionalInterface
    interface Work {
        /** Does one unit of work and returns how many items (events, examples) it covered. */
        long run(int iteration);
    }

    @FunctionalInterface
    interface WorkFactory {
        /** Builds one thread's work; not timed. */
        Work create(int thread) throws Exception;
    }
}
