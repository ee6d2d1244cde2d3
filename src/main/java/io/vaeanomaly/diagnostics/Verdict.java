package io.vaeanomaly.diagnostics;

/** Outcome of a training run, judged from its diagnostics. */
public enum Verdict {
    /** Held-out ELBO stopped improving, no NaN, enough active latent units. */
    CONVERGED,
    /** Posterior collapse: fewer active latent units than required (KL vanishing). */
    COLLAPSED,
    /** A NaN or Inf appeared in the loss, gradients or parameters. The model is unusable. */
    DIVERGED,
    /** The epoch budget ran out while the held-out ELBO was still improving. */
    NOT_CONVERGED;

    /** Whether a model with this verdict may be used for scoring. */
    public boolean usable() {
        return this == CONVERGED || this == NOT_CONVERGED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
