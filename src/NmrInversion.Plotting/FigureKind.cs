namespace NmrInversion.Plotting;

/// <summary>The figures Export-NmrPlot draws.</summary>
public enum FigureKind
{
    /// <summary>One distribution as a heatmap on log axes with its projections on the margins.</summary>
    Map,
    /// <summary>Truths and their reconstructions side by side, chi in each title.</summary>
    Comparison,
    /// <summary>Several distributions in a grid of panels (presets A-H: 2 x 4).</summary>
    Grid,
    /// <summary>Grouped chi bars per preset, one colour per method, log axis.</summary>
    Chi,
    /// <summary>One inversion result against its data: the fit, the residual in units of the noise, the hyperparameter search.</summary>
    Fit,
}
