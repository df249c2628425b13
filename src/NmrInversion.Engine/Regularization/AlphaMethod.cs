namespace NmrInversion.Engine.Regularization;

/// <summary>How the Tikhonov weight alpha is chosen.</summary>
public enum AlphaMethod
{
    /// <summary>Generalized cross-validation of the non-negative solution (default).</summary>
    Gcv,
    /// <summary>The Butler-Reeds-Dawson fixed point alpha = sqrt(N) sigma / ||x|| (needs the noise level).</summary>
    Brd,
    /// <summary>The heel of the S-curve: where d log ||residual|| / d log alpha reaches 0.1 coming up from small alpha.</summary>
    SCurve,
    /// <summary>alpha given by the user.</summary>
    Fixed,
}
