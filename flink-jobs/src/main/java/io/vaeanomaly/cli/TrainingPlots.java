package io.vaeanomaly.cli;

import io.vaeanomaly.diagnostics.EpochDiagnostics;
import io.vaeanomaly.train.RunReport;
import io.vaeanomaly.train.TrainingReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** PNG plots of a training report: ELBO curves, KL per latent dimension, active units. */
public final class TrainingPlots {
    private TrainingPlots() {}

    /** Writes elbo.png, kl_per_dimension.png and active_units.png into {@code dir}. */
    public static void write(TrainingReport report, Path dir) throws IOException {
        RunReport run =
                report.runs().get(report.chosenRun() >= 0 ? report.chosenRun() : report.runs().size() - 1);
        List<EpochDiagnostics> epochs = run.epochs();
        if (epochs.isEmpty()) {
            return;
        }
        double[] x = epochs.stream().mapToDouble(EpochDiagnostics::epoch).toArray();

        XYChart elbo = chart("ELBO per epoch (" + report.recipe() + ")", "nats per row");
        elbo.addSeries("train ELBO", x, epochs.stream().mapToDouble(EpochDiagnostics::trainElbo).toArray());
        elbo.addSeries("held-out ELBO", x, epochs.stream().mapToDouble(e -> e.heldOut().elbo()).toArray());
        // IWAE is computed on a schedule (TrainingRecipe.diagnosticsEvery), not every epoch.
        List<EpochDiagnostics> withIwae = epochs.stream().filter(e -> e.heldOut().hasIwae()).toList();
        if (!withIwae.isEmpty()) {
            elbo.addSeries(
                    "held-out IWAE",
                    withIwae.stream().mapToDouble(EpochDiagnostics::epoch).toArray(),
                    withIwae.stream().mapToDouble(e -> e.heldOut().iwae()).toArray());
        }
        save(elbo, dir.resolve("elbo.png"));

        XYChart kl = chart("KL per latent dimension", "nats");
        int k = epochs.get(0).heldOut().klPerDimension().length;
        for (int d = 0; d < k; d++) {
            int dim = d;
            kl.addSeries("z" + d, x, epochs.stream().mapToDouble(e -> e.heldOut().klPerDimension()[dim]).toArray());
        }
        save(kl, dir.resolve("kl_per_dimension.png"));

        XYChart au = chart("Active units (Cov_x E_q[z_d] > 0.01) and KL weight", "count / beta");
        au.addSeries("active units", x, epochs.stream().mapToDouble(e -> e.heldOut().activeUnits()).toArray());
        au.addSeries("beta x latent dim", x, epochs.stream().mapToDouble(e -> e.beta() * k).toArray());
        save(au, dir.resolve("active_units.png"));
    }

    static XYChart chart(String title, String yLabel) {
        XYChart c = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("epoch").yAxisTitle(yLabel).build();
        c.getStyler().setMarkerSize(0);
        return c;
    }

    static void save(XYChart chart, Path file) throws IOException {
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - 4), BitmapEncoder.BitmapFormat.PNG);
    }
}
