package io.vaeanomaly.detect;

import io.vaeanomaly.diagnostics.HeldOutMetrics;
import io.vaeanomaly.diagnostics.ModelEvaluator;
import io.vaeanomaly.train.TrainingReport;
import java.util.Arrays;

/**
 * Decides whether a challenger replaces the champion. A challenger must have trained to a usable
 * verdict (no NaN, no collapse), and its IWAE bound on recent rows must not trail the champion's
 * by more than the tolerance. Both are compared in the raw feature space (each model's
 * normaliser's log-Jacobian added), since each model sees the data through its own normaliser.
 */
public final class PromotionGate {
    private static final int MAX_EVAL_ROWS = 1000;
    private final double tolerance;
    private final ModelEvaluator evaluator = new ModelEvaluator(16, 20_240_601L);

    public PromotionGate(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The decision with its reason. */
    public record Decision(boolean promote, String reason, double challengerIwae, double championIwae) {}

    public Decision decide(
            DetectorModel champion,
            DetectorModel challenger,
            TrainingReport report,
            double[][] recentRaw) {
        if (challenger == null) {
            return new Decision(
                    false,
                    "training verdict " + report.verdict().label() + ": " + report.reason(),
                    Double.NaN,
                    Double.NaN);
        }
        if (champion == null) {
            return new Decision(true, "first model", Double.NaN, Double.NaN);
        }
        if (champion.inputDim() != challenger.inputDim()) {
            return new Decision(true, "input dimension changed", Double.NaN, Double.NaN);
        }
        double[][] rows =
                Arrays.copyOfRange(
                        recentRaw, Math.max(0, recentRaw.length - MAX_EVAL_ROWS), recentRaw.length);
        double ch = rawIwae(challenger, rows);
        double cp = rawIwae(champion, rows);
        if (!Double.isFinite(ch)) {
            return new Decision(false, "challenger IWAE on recent rows is not finite", ch, cp);
        }
        if (Double.isFinite(cp) && ch < cp - tolerance) {
            return new Decision(
                    false,
                    String.format(
                            "challenger IWAE %.3f trails champion %.3f by more than %.3f nats/row",
                            ch, cp, tolerance),
                    ch,
                    cp);
        }
        return new Decision(
                true,
                String.format("challenger IWAE %.3f vs champion %.3f nats/row", ch, cp),
                ch,
                cp);
    }

    private double rawIwae(DetectorModel m, double[][] raw) {
        HeldOutMetrics h = evaluator.evaluate(m.vae(), m.normalizer().normalize(raw));
        return h.iwae() + m.normalizer().logDetJacobian();
    }
}
