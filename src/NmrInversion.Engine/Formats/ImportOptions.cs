using NmrInversion.Engine.Kernels;

namespace NmrInversion.Engine.Formats;

/// <summary>What the caller tells the importer beyond the file itself. Everything is optional for instrument files.</summary>
public sealed class ImportOptions
{
    /// <summary>The experiment (kernel pair). Instrument files state it; plain CSV needs it unless our own export header names the axes.</summary>
    public Experiment? Experiment { get; init; }

    /// <summary>How T1 is encoded when the file does not say (default inversion recovery).</summary>
    public T1Recovery? T1Recovery { get; init; }

    /// <summary>Divisor that turns the file's time values into seconds: 1 for s, 1000 for ms. Applies to delimited text only.</summary>
    public double TimeDivisor { get; init; } = 1.0;

    /// <summary>Factor that turns the file's b values into s/m^2: 1 for s/m^2, 1e6 for s/mm^2, 1e9 for ms/um^2. Delimited text only.</summary>
    public double BFactor { get; init; } = 1.0;

    /// <summary>First acquisition axis given by value (in the file's unit), for a bare matrix or a one-column decay.</summary>
    public double[]? Axis1 { get; init; }

    /// <summary>Second acquisition axis given by value (in the file's unit).</summary>
    public double[]? Axis2 { get; init; }

    /// <summary>Delimiter of delimited text (",", ";", "\t", " "); null to detect.</summary>
    public string? Delimiter { get; init; }

    /// <summary>Name of the signal; default: the file name without extension.</summary>
    public string? Name { get; init; }

    /// <summary>Noise standard deviation to attach, overriding what the file states or what is estimated.</summary>
    public double? NoiseSigma { get; init; }

    /// <summary>Format to read; <see cref="SignalFormat.Auto"/> detects it.</summary>
    public SignalFormat Format { get; init; } = SignalFormat.Auto;
}
